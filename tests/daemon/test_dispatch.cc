// The control protocol's dispatcher against a real dataplane (streams on
// echo, loop and xconn on worker lcore 1): bad requests of every kind get
// an {"ok":false} reply and change nothing; good ones do what they say.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "control/protocol.h"
#include "dp_fixture.h"

namespace strdp::test {
namespace {

using nlohmann::json;

const char *kConfig = R"(
[lcores]
workers = "1"
[[stream]]
name = "e0"
driver = "echo"
modules = ["passmod"]
[[stream]]
name = "l0"
driver = "loop"
[[stream]]
name = "x0"
driver = "xconn"
[[stream]]
name = "a"
driver = "echo"
[[stream]]
name = "b"
driver = "echo"
)";

class Dispatch : public ::testing::Test {
 protected:
  void SetUp() override {
    dp_ = start_dataplane(kConfig);
    ASSERT_NE(dp_, nullptr);
    d_ = std::make_unique<control::Dispatcher>(*dp_);
  }
  void TearDown() override {
    if (dp_ == nullptr) return;
    daemon::StopReport r = dp_->stop();
    EXPECT_TRUE(r.problems.empty()) << r.problems.front();
    EXPECT_EQ(r.leak.start, r.leak.stop) << "message buffers leaked";
  }
  // Every reply is one line of JSON: an object with a boolean "ok".
  json call(std::string_view line) {
    std::string out = d_->handle(line);
    EXPECT_EQ(out.find('\n'), std::string::npos) << out;
    json j = json::parse(out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << out;
    if (!j.is_object()) return json::object({{"ok", false}, {"error", "not an object"}});
    EXPECT_TRUE(j.contains("ok") && j["ok"].is_boolean()) << out;
    return j;
  }
  // A refused request: ok false, an error containing `what`.
  void refused(std::string_view line, const std::string &what) {
    json r = call(line);
    EXPECT_EQ(r.value("ok", true), false) << line;
    ASSERT_TRUE(r.contains("error") && r["error"].is_string()) << line;
    EXPECT_NE(r["error"].get<std::string>().find(what), std::string::npos)
        << line << " -> " << r["error"];
  }
  json stack(const std::string &stream) {
    json r = call(R"({"cmd":"list"})");
    for (const json &s : r["streams"])
      if (s["name"] == stream) return s["modules"];
    return nullptr;
  }

  std::unique_ptr<daemon::Dataplane> dp_;
  std::unique_ptr<control::Dispatcher> d_;
};

TEST_F(Dispatch, MalformedJsonIsAnError) {
  for (const char *bad : {"", "{", "}", "not json", "{\"cmd\":", "{\"cmd\":\"list\"} trailing",
                          "{'cmd':'list'}", "\xff\xfe", "{\"cmd\":\"list\",}"})
    refused(bad, "malformed JSON");
}

TEST_F(Dispatch, ARequestMustBeAnObjectWithAStringCmd) {
  refused("[1,2]", "JSON object");
  refused("\"list\"", "JSON object");
  refused("null", "JSON object");
  refused("42", "JSON object");
  refused("{}", "missing field \"cmd\"");
  refused(R"({"cmd":5})", "\"cmd\" must be a string");
  refused(R"({"cmd":["list"]})", "\"cmd\" must be a string");
  refused(R"({"cmd":null})", "\"cmd\" must be a string");
}

TEST_F(Dispatch, UnknownCommandsAreNamed) {
  refused(R"({"cmd":"frobnicate"})", "unknown command \"frobnicate\"");
  refused(R"({"cmd":"LIST"})", "unknown command");
  refused(R"({"cmd":""})", "unknown command");
}

TEST_F(Dispatch, StopIsNotARemoteCommand) { refused(R"({"cmd":"stop"})", "SIGTERM"); }

TEST_F(Dispatch, TheIdComesBackOnSuccessAndFailure) {
  json r = call(R"({"cmd":"list","id":17})");
  EXPECT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["id"], 17);
  r = call(R"({"cmd":"nope","id":{"k":"v"}})");
  EXPECT_FALSE(r["ok"].get<bool>());
  EXPECT_EQ(r["id"], json({{"k", "v"}}));
}

TEST_F(Dispatch, MissingAndWronglyTypedFields) {
  refused(R"({"cmd":"push","module":"nullmod"})", "missing field \"stream\"");
  refused(R"({"cmd":"push","stream":"e0"})", "missing field \"module\"");
  refused(R"({"cmd":"push","stream":7,"module":"nullmod"})", "\"stream\" must be a string");
  refused(R"({"cmd":"push","stream":"e0","module":["nullmod"]})", "\"module\" must be a string");
  refused(R"({"cmd":"push","stream":"e0","module":"nullmod","args":{}})",
          "\"args\" must be a string");
  refused(R"({"cmd":"push","stream":"","module":"nullmod"})", "\"stream\" is empty");
  refused(R"({"cmd":"pop"})", "missing field \"stream\"");
  refused(R"({"cmd":"pop","stream":true})", "must be a string");
  refused(R"({"cmd":"stats","stream":5})", "must be a string");
  refused(R"({"cmd":"link","mux":"x0","lower":"a","persistent":"yes"})", "true or false");
  refused(R"({"cmd":"link","mux":"x0"})", "missing field \"lower\"");
  refused(R"({"cmd":"unlink","lower":"a"})", "missing field \"mux\"");
  refused(R"({"cmd":"load"})", "missing field \"path\"");
  refused(R"({"cmd":"load","path":1.5})", "must be a string");
  // Nothing of it changed the stack.
  EXPECT_EQ(stack("e0"), json({"passmod"}));
}

TEST_F(Dispatch, OversizedFieldsAndRequests) {
  std::string longname(control::kMaxName + 1, 'm');
  refused(json({{"cmd", "push"}, {"stream", "e0"}, {"module", longname}}).dump(), "longer than");
  refused(json({{"cmd", "push"}, {"stream", "e0"}, {"module", "nullmod"},
                {"args", std::string(control::kMaxArgs + 1, 'a')}})
              .dump(),
          "longer than");
  refused(json({{"cmd", "pop"}, {"stream", "e\n0"}}).dump(), "control character");
  std::string huge = R"({"cmd":"list","pad":")" + std::string(control::kMaxRequest, 'x') + "\"}";
  refused(huge, "request longer than");
}

TEST_F(Dispatch, ListShowsStreamsLanesStacksAndLinks) {
  json r = call(R"({"cmd":"list"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r;
  ASSERT_EQ(r["streams"].size(), 5u);
  const json &e0 = r["streams"][0];
  EXPECT_EQ(e0["name"], "e0");
  EXPECT_EQ(e0["driver"], "echo");
  EXPECT_EQ(e0["port"], nullptr);
  EXPECT_EQ(e0["modules"], json({"passmod"}));
  ASSERT_EQ(e0["lanes"].size(), 1u);
  EXPECT_EQ(e0["lanes"][0]["lcore"], 1);
  EXPECT_EQ(e0["linked_under"], nullptr);
}

TEST_F(Dispatch, StatsPerQueuePositionWithDropReasons) {
  json r = call(R"({"cmd":"stats","stream":"e0"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r;
  ASSERT_EQ(r["streams"].size(), 1u);
  const json &q = r["streams"][0]["queues"];
  ASSERT_EQ(q.size(), 6u);  // head, passmod, echo: read and write each
  EXPECT_EQ(q[0]["name"], "head");
  EXPECT_EQ(q[2]["name"], "passmod");
  EXPECT_EQ(q[3]["side"], "write");
  EXPECT_EQ(q[5]["name"], "echo");
  for (const char *k : {"put_calls", "srv_calls", "queued_msgs", "queued_bytes", "flow_blocked"})
    EXPECT_TRUE(q[0][k].is_number_unsigned()) << k;
  EXPECT_EQ(q[0]["drops"].size(), static_cast<size_t>(STRDP_DROP_REASONS));
  EXPECT_FALSE(r["streams"][0].contains("pmd"));
  r = call(R"({"cmd":"stats"})");
  EXPECT_EQ(r["streams"].size(), 5u);
  refused(R"({"cmd":"stats","stream":"nope"})", "no stream named \"nope\"");
}

TEST_F(Dispatch, PushAndPopChangeEveryLaneAndSayWhatTheyDid) {
  json r = call(R"({"cmd":"push","stream":"e0","module":"nullmod"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r;
  EXPECT_EQ(r["modules"], json({"nullmod", "passmod"}));
  r = call(R"({"cmd":"pop","stream":"e0"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r;
  EXPECT_EQ(r["popped"], "nullmod");
  EXPECT_EQ(r["modules"], json({"passmod"}));
}

TEST_F(Dispatch, FailedPushesAndPopsLeaveTheStackAlone) {
  refused(R"({"cmd":"push","stream":"e0","module":"nosuchmod"})", "no module named nosuchmod");
  refused(R"({"cmd":"push","stream":"nosuch","module":"nullmod"})", "no stream named");
  // passmod takes no arguments: it NAKs them, and is popped again.
  refused(R"({"cmd":"push","stream":"e0","module":"passmod","args":"x=1"})",
          "refused its arguments");
  EXPECT_EQ(stack("e0"), json({"passmod"}));
  refused(R"({"cmd":"pop","stream":"l0"})", "no module to pop");
  EXPECT_EQ(stack("l0"), json::array());
}

TEST_F(Dispatch, LanesAreNamedSoModulesCanFindThem) {
  // The sniffer's to=NAME looks a stream up by the name the daemon gave
  // its lane (lane 0: the stream's own name).
  json r = call(R"({"cmd":"push","stream":"a","module":"sniffer","args":"to=b"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r;
  refused(R"({"cmd":"push","stream":"a","module":"sniffer","args":"to=nosuch"})",
          "refused its arguments");
  EXPECT_EQ(stack("a"), json({"sniffer"}));
  EXPECT_TRUE(call(R"({"cmd":"pop","stream":"a"})")["ok"].get<bool>());
}

TEST_F(Dispatch, LinkAndUnlinkUnderAMultiplexor) {
  json r = call(R"({"cmd":"link","mux":"x0","lower":"a"})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r;
  EXPECT_EQ(r["persistent"], true);
  refused(R"({"cmd":"link","mux":"x0","lower":"a"})", "already linked under x0");
  refused(R"({"cmd":"push","stream":"a","module":"nullmod"})", "linked under x0");
  r = call(R"({"cmd":"list"})");
  for (const json &s : r["streams"]) {
    if (s["name"] == "a") {
      EXPECT_EQ(s["linked_under"]["mux"], "x0");
    }
    if (s["name"] == "x0") {
      EXPECT_EQ(s["lowers"], json({"a"}));
    }
  }
  r = call(R"({"cmd":"link","mux":"x0","lower":"b","persistent":false})");
  ASSERT_TRUE(r["ok"].get<bool>()) << r;
  ASSERT_TRUE(call(R"({"cmd":"unlink","mux":"x0","lower":"a"})")["ok"].get<bool>());
  ASSERT_TRUE(call(R"({"cmd":"unlink","mux":"x0","lower":"b"})")["ok"].get<bool>());
  refused(R"({"cmd":"unlink","mux":"x0","lower":"a"})", "not linked under x0");
  // a is a stream of its own again.
  EXPECT_TRUE(call(R"({"cmd":"push","stream":"a","module":"nullmod"})")["ok"].get<bool>());
}

TEST_F(Dispatch, LinkRefusals) {
  refused(R"({"cmd":"link","mux":"e0","lower":"a"})", "link a under e0");  // echo is no mux
  refused(R"({"cmd":"link","mux":"x0","lower":"x0"})", "under itself");
  refused(R"({"cmd":"link","mux":"x0","lower":"nope"})", "no stream named \"nope\"");
  refused(R"({"cmd":"unlink","mux":"x0","lower":"b"})", "not linked");
}

TEST_F(Dispatch, LoadRefusesWhatIsNotAPlugin) {
  refused(R"({"cmd":"load","path":"/nonexistent/x.so"})", "no such file");
  refused(R"({"cmd":"load","path":"/etc/hostname"})", "load /etc/hostname");
}

TEST_F(Dispatch, PortsWithNoPortsIsAnEmptyList) {
  json r = call(R"({"cmd":"ports"})");
  ASSERT_TRUE(r["ok"].get<bool>());
  EXPECT_EQ(r["ports"], json::array());
}

TEST_F(Dispatch, AStoppedDataplaneRefusesEverything) {
  daemon::StopReport rep = dp_->stop();
  EXPECT_EQ(rep.leak.start, rep.leak.stop);
  refused(R"({"cmd":"list"})", "not running");
  refused(R"({"cmd":"push","stream":"e0","module":"nullmod"})", "not running");
  refused(R"({"cmd":"stats"})", "not running");
}

}  // namespace

std::vector<std::string> extra_eal_args() { return {"-l", "0-1"}; }

}  // namespace strdp::test
