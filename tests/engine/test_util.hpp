// Helpers the engine's C++ tests share.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "backends/backend.hpp"
#include "core/engine.hpp"

namespace ringengine::testing {

inline EngineConfig with_capacity(std::size_t capacity) {
  EngineConfig c;
  c.capacity = capacity;
  return c;
}

inline BackendRequest request(BackendKind kind, std::string device = "") {
  BackendRequest r;
  r.kind = kind;
  r.device = std::move(device);
  return r;
}

// Every reply waiting, in order.
inline std::vector<Message> drain(Engine& engine) {
  std::vector<Message> out;
  Message m;
  while (engine.try_recv(m))
    out.push_back(m);
  return out;
}

// Runs one block of `frames` and returns it, interleaved; samples the block
// does not write stay -7.
inline std::vector<float> render(Engine& engine, std::uint32_t frames) {
  std::vector<float> out(std::size_t{frames} * engine.config().channels, -7.0f);
  engine.process(AudioOut{out.data(), nullptr}, frames);
  return out;
}

} // namespace ringengine::testing
