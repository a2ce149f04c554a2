// Reading Ray's JobDetails into what the ray driver needs.
#include "drivers/ray/job_info.hpp"

#include <boost/json/parse.hpp>

#include <catch2/catch.hpp>

using namespace sbx::drivers::ray;

TEST_CASE("JobDetails give status, message, string metadata and the end time", "[ray]") {
  const auto details = boost::json::parse(R"({
    "type": "SUBMISSION", "submission_id": "sbx-1", "status": "STOPPED", "message": "Job was intentionally stopped.",
    "metadata": {"sbx.library": "sbx", "sbx.pid": "42", "odd": 7}, "end_time": 1795790842000})").as_object();
  const auto job = parse_job_info(details);
  REQUIRE(job);
  CHECK(job->id == "sbx-1");
  CHECK(job->terminal());
  CHECK(job->message == "Job was intentionally stopped.");
  CHECK(job->metadata == sbx::env_map{{"sbx.library", "sbx"}, {"sbx.pid", "42"}});
  REQUIRE(job->end_time);
  CHECK(job->end_time->time_since_epoch() == std::chrono::milliseconds(1795790842000));
}

TEST_CASE("running jobs are not terminal and may lack metadata", "[ray]") {
  for (const char* status : {"PENDING", "RUNNING"}) {
    boost::json::object details{{"submission_id", "sbx-2"}, {"status", status}, {"metadata", nullptr}, {"end_time", nullptr}};
    const auto job = parse_job_info(details);
    REQUIRE(job);
    CHECK_FALSE(job->terminal());
    CHECK(job->metadata.empty());
    CHECK_FALSE(job->end_time);
  }
}

TEST_CASE("driver jobs without a submission id are skipped", "[ray]") {
  CHECK_FALSE(parse_job_info(boost::json::parse(R"({"type": "DRIVER", "submission_id": null, "status": "RUNNING"})").as_object()));
}

TEST_CASE("an end time past what a time_point holds is ignored, not overflowed", "[ray]") {
  // Found by fuzz/ray_wire_fuzz.cpp: 17957908424000 ms overflowed the nanosecond clock (UB).
  const auto job = parse_job_info(boost::json::parse(
      R"({"submission_id": "sbx-1", "status": "STOPPED", "end_time": 17957908424000})").as_object());
  REQUIRE(job);
  CHECK(job->terminal());
  CHECK_FALSE(job->end_time);
}
