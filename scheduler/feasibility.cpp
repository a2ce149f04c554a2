#include "feasibility.hpp"

#include <algorithm>
#include <cstdio>

namespace sbx::scheduler {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Collects shortfalls; without a reason list, the first one settles the answer.
class shortfalls {
 public:
  explicit shortfalls(std::vector<std::string>* reasons) : reasons_(reasons) {}

  // Records a shortfall; returns true when the caller may stop checking.
  template <class Describe>
  bool lacks(bool shortfall, Describe describe) {
    if (!shortfall) return false;
    feasible_ = false;
    if (!reasons_) return true;
    reasons_->push_back(describe());
    return false;
  }

  bool feasible() const { return feasible_; }

 private:
  std::vector<std::string>* reasons_;
  bool feasible_ = true;
};

}  // namespace

bool check_feasible(const RouterBackend& c, const Capabilities& caps, const request_profile& r,
                    const PlacementRequirements& req, std::vector<std::string>* reasons) {
  shortfalls v(reasons);
  const auto& res = r.resources;
  if (v.lacks(!req.candidates.empty() && !contains(req.candidates, c.name), [] { return std::string("not in the allowed candidates"); }) ||
      v.lacks(c.max_cpu && res.cpu > *c.max_cpu,
              [&] { return "cpu " + number(res.cpu) + " exceeds its maximum " + number(*c.max_cpu); }) ||
      v.lacks(c.max_memory_mb && res.memory_mb > *c.max_memory_mb,
              [&] { return "memory " + std::to_string(res.memory_mb) + " MB exceeds its maximum " + std::to_string(*c.max_memory_mb) + " MB"; }) ||
      v.lacks(r.gpu > 0 && !caps.gpu, [] { return std::string("no GPUs"); }) ||
      v.lacks(r.wants_image && !caps.images, [] { return std::string("cannot start from an image"); }) ||
      v.lacks(r.wants_template && !caps.templates, [] { return std::string("has no templates"); }) ||
      v.lacks(r.wants_snapshot && !caps.snapshots, [] { return std::string("cannot restore snapshots"); }) ||
      v.lacks(!r.allow_internet && !caps.network_control,
              [] { return std::string("cannot enforce allow_internet=false (no network control)"); }) ||
      v.lacks(req.region && c.region != req.region,
              [&] { return "region " + c.region.value_or("unset") + ", not " + *req.region; }))
    return false;
  for (const auto& language : req.languages)
    if (v.lacks(!c.languages.empty() && !contains(c.languages, language),
                [&] { return "does not offer language " + language; }))
      return false;
  for (const auto& [key, value] : req.labels) {
    const auto it = c.labels.find(key);
    if (v.lacks(it == c.labels.end() || it->second != value, [&] { return "label " + key + " is not " + value; }))
      return false;
  }
  if (reasons && v.feasible()) {
    if (r.cpu_requested && !caps.cpu_limit) reasons->push_back("cpu is not enforced");
    if (r.memory_requested && !caps.memory_limit) reasons->push_back("memory is not enforced");
    if (!req.languages.empty() && c.languages.empty()) reasons->push_back("languages not declared");
  }
  return v.feasible();
}

}  // namespace sbx::scheduler
