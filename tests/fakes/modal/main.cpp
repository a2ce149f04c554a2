// sbx-fake-modal: the Modal fake as a standalone program (see fakes/README.md).
#include "fakes/modal/modal_fake.hpp"

int main(int argc, char** argv) { return sbx_fake::run_fake_main(sbx_fake::modal::modal_definition(), argc, argv); }
