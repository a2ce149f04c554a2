#include "drivers/tensorlake/login_files.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <unistd.h>

namespace sbx::drivers::tensorlake {
namespace {

constexpr char path_separator = '\x1f';

void skip_space(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

bool bare_key_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }

// A basic ("...", with escapes) or literal ('...') string at the front of `s`.
std::optional<std::string> take_string(std::string_view& s) {
  if (s.empty() || (s.front() != '"' && s.front() != '\'')) return std::nullopt;
  const char quote = s.front();
  s.remove_prefix(1);
  std::string out;
  while (!s.empty() && s.front() != quote) {
    char c = s.front();
    s.remove_prefix(1);
    if (quote == '"' && c == '\\') {
      if (s.empty()) return std::nullopt;
      const char e = s.front();
      s.remove_prefix(1);
      switch (e) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case 'r': c = '\r'; break;
        case '"': c = '"'; break;
        case '\\': c = '\\'; break;
        default: return std::nullopt;  // \u escapes never occur in these files
      }
    }
    out.push_back(c);
  }
  if (s.empty()) return std::nullopt;
  s.remove_prefix(1);
  return out;
}

// One key (bare or quoted) at the front of `s`.
std::optional<std::string> take_key(std::string_view& s) {
  skip_space(s);
  if (!s.empty() && (s.front() == '"' || s.front() == '\'')) return take_string(s);
  std::size_t n = 0;
  while (n < s.size() && bare_key_char(s[n])) ++n;
  if (n == 0) return std::nullopt;
  std::string key(s.substr(0, n));
  s.remove_prefix(n);
  return key;
}

// A dotted key path ("a.b", "\"x.y\".c") up to `end`.
std::optional<std::string> take_path(std::string_view& s, char end) {
  std::string path;
  for (;;) {
    auto key = take_key(s);
    if (!key) return std::nullopt;
    if (!path.empty()) path.push_back(path_separator);
    path += *key;
    skip_space(s);
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      continue;
    }
    if (s.empty() || s.front() != end) return std::nullopt;
    s.remove_prefix(1);
    return path;
  }
}

std::optional<toml_strings> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return parse_toml_strings(text.str());
}

std::string join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const auto part : parts) {
    if (!out.empty()) out.push_back(path_separator);
    out += part;
  }
  return out;
}

std::optional<std::string> value_of(const toml_strings& doc, const std::string& table, const std::string& key) {
  const auto t = doc.find(table);
  if (t == doc.end()) return std::nullopt;
  const auto v = t->second.find(key);
  if (v == t->second.end()) return std::nullopt;
  return v->second;
}

// The context for `wanted` (a normalised URL): the current one if it fits, else the
// first by name.
std::optional<std::string> context_for(const toml_strings& contexts, const std::string& wanted) {
  const auto fits = [&](const std::string& name) {
    const auto url = value_of(contexts, join({"contexts", name}), "api_url");
    return url && normalize_api_url(*url) == wanted;
  };
  if (const auto current = value_of(contexts, "", "current"); current && fits(*current)) return current;
  const std::string prefix = std::string("contexts") + path_separator;
  for (const auto& [table, values] : contexts) {
    if (table.rfind(prefix, 0) != 0) continue;
    const auto name = table.substr(prefix.size());
    if (name.find(path_separator) == std::string::npos && fits(name)) return name;
  }
  return std::nullopt;
}

std::optional<stored_login> from_table(const toml_strings& doc, const std::string& table, std::string source) {
  const auto token = value_of(doc, table, "token");
  if (!token || token->empty()) return std::nullopt;
  return stored_login{.token = *token,
                      .organization = value_of(doc, table, "organization"),
                      .project = value_of(doc, table, "project"),
                      .source = std::move(source)};
}

}  // namespace

std::optional<toml_strings> parse_toml_strings(std::string_view text) {
  toml_strings doc;
  std::string table;
  doc[table];
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    skip_space(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      if (line.size() > 1 && line[1] == '[') continue;  // arrays of tables: not used
      line.remove_prefix(1);
      auto path = take_path(line, ']');
      if (!path) return std::nullopt;
      table = std::move(*path);
      doc[table];
      continue;
    }
    auto key = take_key(line);
    if (!key) continue;
    skip_space(line);
    if (line.empty() || line.front() != '=') continue;
    line.remove_prefix(1);
    skip_space(line);
    if (line.empty() || (line.front() != '"' && line.front() != '\'')) continue;  // not a string
    if (line.substr(0, 3) == "\"\"\"" || line.substr(0, 3) == "'''") continue;     // multi-line: not used
    auto value = take_string(line);
    if (!value) return std::nullopt;
    doc[table][*key] = std::move(*value);
  }
  return doc;
}

std::string normalize_api_url(std::string_view url) {
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front()))) url.remove_prefix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  auto parsed = boost::urls::parse_uri(url);
  std::string out;
  if (!parsed || !parsed->has_authority()) {
    out = std::string(url);
  } else {
    std::string scheme(parsed->scheme());
    std::string host(parsed->encoded_host());
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string port(parsed->port());
    if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) port.clear();
    out = scheme + "://" + host + (port.empty() ? "" : ":" + port) + std::string(parsed->encoded_path());
  }
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

std::optional<stored_login> find_stored_login(const std::filesystem::path& config_dir, const std::string& api_url) {
  const auto wanted = normalize_api_url(api_url);
  const auto credentials = read_file(config_dir / "credentials.toml");
  if (const auto contexts = read_file(config_dir / "contexts.toml")) {
    if (const auto name = context_for(*contexts, wanted)) {
      const auto table = join({"contexts", *name});
      const auto storage = value_of(*contexts, table, "storage");
      if (credentials && storage.value_or("file") == "file") {
        if (auto login = from_table(*credentials, table, "credentials.toml [contexts." + *name + "]")) {
          login->organization = value_of(*contexts, table, "organization");
          login->project = value_of(*contexts, table, "project");
          return login;
        }
      }
    }
  }
  if (!credentials) return std::nullopt;
  const std::string trimmed = [&] {
    std::string_view u = api_url;
    while (!u.empty() && std::isspace(static_cast<unsigned char>(u.front()))) u.remove_prefix(1);
    while (!u.empty() && std::isspace(static_cast<unsigned char>(u.back()))) u.remove_suffix(1);
    return std::string(u);
  }();
  for (const auto& key : {trimmed, wanted})
    if (auto login = from_table(*credentials, key, "credentials.toml [\"" + key + "\"]")) return login;
  for (const auto& [table, values] : *credentials) {
    if (table.empty() || table.rfind("contexts", 0) == 0) continue;
    if (normalize_api_url(table) == wanted)
      if (auto login = from_table(*credentials, table, "credentials.toml [\"" + table + "\"]")) return login;
  }
  if (auto login = from_table(*credentials, "", "credentials.toml (legacy token)")) {
    login->organization.reset();
    login->project.reset();
    return login;
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> default_config_dir() {
  std::string home;
  if (const char* h = std::getenv("HOME"); h && *h) {
    home = h;
  } else if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) {
    home = pw->pw_dir;
  }
  if (home.empty()) return std::nullopt;
  return std::filesystem::path(home) / ".config" / "tensorlake";
}

}  // namespace sbx::drivers::tensorlake
