// Creates a local sandbox through the installed library and prints a command's output.
#include <sbx/sbx.hpp>

#include <iostream>

int main() {
  sbx::blocking::Client client("local");
  auto sandbox = client.create();
  const auto result = sandbox.exec("echo consumer-ok");
  std::cout << result.std_out;
  return result.exit_code == 0 && result.std_out == "consumer-ok\n" ? 0 : 1;
}
