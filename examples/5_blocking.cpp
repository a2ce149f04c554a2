// 5. The blocking facade, for scripts and tests that do not want coroutines.
#include <sbx/sbx.hpp>

#include <iostream>

int main() {
  sbx::blocking::Client client("local");
  auto sandbox = client.create();  // destroyed when it goes out of scope
  std::cout << sandbox.exec("echo blocking").std_out;
  std::cout << sandbox.run_code("print(1 + 1)").std_out;
}
