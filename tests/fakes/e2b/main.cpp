// sbx-fake-e2b: the E2B fake as a standalone program (see fakes/README.md).
#include "fakes/e2b/e2b_fake.hpp"

int main(int argc, char** argv) { return sbx_fake::run_fake_main(sbx_fake::e2b::e2b_definition(), argc, argv); }
