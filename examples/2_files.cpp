// 2. Files: write, read, list, and move whole trees in and out as one archive.
#include <sbx/sbx.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace asio = boost::asio;
namespace fs = std::filesystem;

asio::awaitable<void> files() {
  auto client = co_await sbx::Client::connect("local");
  auto sandbox = co_await client.create();

  co_await sandbox.write_file("data/in.json", R"({"n": 21})");
  const auto doubled = co_await sandbox.run_code(
      "import json\nn = json.load(open('data/in.json'))['n']\nopen('data/out.txt', 'w').write(str(2 * n))\n");
  std::cout << "exit " << doubled.exit_code << ", out.txt = " << co_await sandbox.read_file("data/out.txt") << "\n";

  for (const auto& entry : co_await sandbox.list_files("data"))
    std::cout << (entry.is_dir ? "d " : "f ") << entry.path << " " << entry.size.value_or(0) << "\n";

  const auto host = fs::temp_directory_path() / "sbx-example-files";
  fs::create_directories(host / "src");
  std::ofstream(host / "src" / "main.py") << "print('uploaded tree')\n";
  const auto uploaded = co_await sandbox.upload_dir(host / "src", "project");
  std::cout << "uploaded " << uploaded << " file(s): " << (co_await sandbox.exec("python3 project/main.py")).std_out;
  const auto downloaded = co_await sandbox.download_dir("data", host / "results");
  std::cout << "downloaded " << downloaded << " file(s) to " << (host / "results").string() << "\n";
  fs::remove_all(host);

  co_await sandbox.destroy();
}

int main() {
  asio::io_context io;
  asio::co_spawn(io, files(), [](std::exception_ptr e) { if (e) std::rethrow_exception(e); });
  io.run();
}
