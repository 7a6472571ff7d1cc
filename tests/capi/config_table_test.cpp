// Every entry of the config table (engine/core/config.def) in every layer
// of C: engine_config_init() gives the table's default, engine_create()
// takes each field at both ends of its range and refuses it just past
// either end, naming the field, its range and the value.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "ringengine.h"

namespace {

using namespace ringengine;

struct Handle {
  engine* e = nullptr;
  ~Handle() { engine_destroy(e); }
};

// An offline config small enough to create quickly, whatever one field is.
engine_config small() {
  engine_config c;
  engine_config_init_size(&c, sizeof c);
  c.backend = ENGINE_BACKEND_OFFLINE;
  c.capacity = 64;
  c.schedule = 64;
  c.voices = 4;
  c.buffers = 4;
  return c;
}

template <class T> double as_double(T v) {
  if constexpr (std::is_enum_v<T>)
    return static_cast<double>(static_cast<std::underlying_type_t<T>>(v));
  else
    return static_cast<double>(v);
}

struct Entry {
  const char* name;
  double default_value, least, most, type_max;
  double (*get)(const engine_config&);
  void (*set)(engine_config&, double);
};

const Entry kTable[] = {
#define CONFIG(name, type, default_value, least, most, since, meaning)                         \
  {#name,                                                                                      \
   as_double(EngineConfig{}.name),                                                             \
   static_cast<double>(least),                                                                 \
   static_cast<double>(most),                                                                  \
   static_cast<double>(std::numeric_limits<decltype(engine_config::name)>::max()),             \
   [](const engine_config& c) { return static_cast<double>(c.name); },                         \
   [](engine_config& c, double v) { c.name = static_cast<decltype(engine_config::name)>(v); }},
#include "core/config.def"
};

TEST(ConfigTableTest, InitGivesEachFieldItsTableDefault) {
  engine_config c;
  engine_config_init_size(&c, sizeof c);
  for (const Entry& e : kTable)
    EXPECT_EQ(e.get(c), e.default_value) << e.name;
}

TEST(ConfigTableTest, CreateRefusesEachFieldJustOutsideItsRangeNamingIt) {
  int refused = 0;
  for (const Entry& e : kTable) {
    std::vector<double> outside;
    if (e.least > 0)
      outside.push_back(e.least - 1);
    if (e.most < e.type_max) // else the field's type cannot hold more
      outside.push_back(e.most + 1);
    for (double v : outside) {
      engine_config c = small();
      e.set(c, v);
      Handle h;
      ASSERT_EQ(engine_create(&c, &h.e), ENGINE_ERR_INVALID) << e.name << " = " << v;
      const std::string text = engine_last_error();
      EXPECT_NE(text.find(std::string("config.") + e.name), std::string::npos) << text;
      EXPECT_NE(text.find(" must be "), std::string::npos) << text;
      ++refused;
    }
  }
  EXPECT_GE(refused, 16); // every field with a bound its type can pass
}

TEST(ConfigTableTest, CreateTakesTheEndsOfEachRange) {
  for (const Entry& e : kTable) {
    for (double v : {e.least, std::min(e.most, 64.0 * 1024)}) {
      engine_config c = small();
      if (std::string(e.name) == "keylock_voices" && (v > 0 && !(engine_features() & ENGINE_FEATURE_KEYLOCK)))
        continue; // refused by the build, not the range (the next test)
      if (std::string(e.name) == "keylock_voices")
        v = std::min(v, static_cast<double>(c.voices)); // at most `voices`
      if (std::string(e.name) == "meter_events_hz" && c.meter_ms == 0)
        continue;
      e.set(c, v);
      Handle h;
      EXPECT_EQ(engine_create(&c, &h.e), ENGINE_OK)
          << e.name << " = " << v << ": " << engine_last_error();
    }
  }
}

TEST(ConfigTableTest, ChecksBetweenFieldsAreRefusedNamingTheField) {
  engine_config c = small();
  c.meter_ms = 0;
  c.meter_events_hz = 10;
  Handle h;
  EXPECT_EQ(engine_create(&c, &h.e), ENGINE_ERR_INVALID);
  EXPECT_NE(std::string(engine_last_error()).find("meter_events_hz needs meters"),
            std::string::npos)
      << engine_last_error();
  c = small();
  c.keylock_voices = c.voices + 1;
  EXPECT_EQ(engine_create(&c, &h.e), ENGINE_ERR_INVALID);
  EXPECT_NE(std::string(engine_last_error()).find("config.keylock_voices"), std::string::npos)
      << engine_last_error();
}

} // namespace
