// sbx-fake-daytona: the Daytona fake as a standalone program (see fakes/README.md).
#include "fakes/daytona/daytona_fake.hpp"

int main(int argc, char** argv) {
  return sbx_fake::run_fake_main(sbx_fake::daytona::daytona_definition(), argc, argv);
}
