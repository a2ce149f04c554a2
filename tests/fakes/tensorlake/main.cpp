// sbx-fake-tensorlake: the Tensorlake fake as a standalone program (see fakes/README.md).
#include "fakes/tensorlake/tensorlake_fake.hpp"

int main(int argc, char** argv) {
  return sbx_fake::run_fake_main(sbx_fake::tensorlake::tensorlake_definition(), argc, argv);
}
