#include <catch2/catch.hpp>

#include "core/plan/attribute_values.h"

using namespace scaleio::plan;

TEST_CASE("lists are comma separated, blanks trimmed, empty items dropped") {
  CHECK(split_list("pd1,pd2") == std::vector<std::string>{"pd1", "pd2"});
  CHECK(split_list(" a , ,b,") == std::vector<std::string>{"a", "b"});
  CHECK(split_list("").empty());
}

TEST_CASE("ScaleIO names: at most 31 characters, no spaces or separators") {
  CHECK(check_object_name("pool", "sp1").ok());
  CHECK(check_object_name("pool", std::string(31, 'a')).ok());
  auto long_name = check_object_name("storage pool", std::string(32, 'a'));
  CHECK_THAT(long_name.message(),
             Catch::Contains("32 characters") && Catch::Contains("at most 31"));
  CHECK_THAT(check_object_name("pool", "my pool").message(), Catch::Contains("space"));
  CHECK_FALSE(check_object_name("pool", "a/b").ok());
  CHECK_FALSE(check_object_name("pool", "").ok());
}

TEST_CASE("device paths must be absolute") {
  CHECK(check_device_path("/dev/xvdf").ok());
  CHECK_THAT(check_device_path("dev/sdb").message(), Catch::Contains("not absolute"));
  CHECK_FALSE(check_device_path("/dev/").ok());
}

TEST_CASE("IPv4 addresses") {
  CHECK(is_ipv4("10.0.0.5"));
  CHECK_FALSE(is_ipv4("10.0.0"));
  CHECK_FALSE(is_ipv4("10.0.0.256"));
  CHECK_FALSE(is_ipv4("10.0.0.5.1"));
  CHECK_FALSE(is_ipv4("host-1"));
  CHECK_FALSE(is_ipv4("01.0.0.1"));
}

TEST_CASE("volume declarations: NAME=SIZE@DOMAIN/POOL[/thick], rounded up to 8 GB") {
  auto v = parse_volume("pgdata=64GB@pd1/sp1");
  REQUIRE(v.ok());
  CHECK(v->name == "pgdata");
  CHECK(v->requested_gb == 64);
  CHECK(v->size_gb == 64);
  CHECK(v->pool == PoolRef{"pd1", "sp1"});
  CHECK(v->type == VolumeType::kThin);

  auto thick = parse_volume("logs=12GB@pd1/sp2/thick");
  REQUIRE(thick.ok());
  CHECK(thick->size_gb == 16);
  CHECK(thick->type == VolumeType::kThick);
  CHECK(parse_volume("x=1G@a/b")->size_gb == 8);

  CHECK_THAT(parse_volume("x=1.5GB@a/b").status().message(), Catch::Contains("whole number of GB"));
  CHECK_THAT(parse_volume("x=64@a/b").status().message(), Catch::Contains("no GB unit"));
  CHECK_THAT(parse_volume("x=0GB@a/b").status().message(), Catch::Contains("out of range"));
  CHECK_THAT(parse_volume("x64GB@a/b").status().message(),
             Catch::Contains("NAME=SIZE@DOMAIN/POOL"));
  CHECK_THAT(parse_volume("x=8GB@a").status().message(), Catch::Contains("DOMAIN/POOL"));
  CHECK_THAT(parse_volume("x=8GB@a/b/fat").status().message(), Catch::Contains("thin nor thick"));
  CHECK_FALSE(parse_volume("a volume=8GB@a/b").ok());
}
