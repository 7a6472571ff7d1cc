// Keylock in a build without Rubber Band (-Drubberband=disabled, or not
// found): available() says so and the constructor refuses, on the control
// side, so that the engine can tell its user clearly. Nothing here ever
// runs on the audio thread: no Keylock exists to call.
#include "dsp/keylock.hpp"

#include <stdexcept>

namespace ringengine {

struct Keylock::Impl {};

bool Keylock::available() noexcept { return false; }

Keylock::Keylock(double, std::uint32_t, std::uint32_t, Stretcher) {
  throw std::logic_error("key lock needs Rubber Band: this build of ringengine has none "
                         "(meson -Drubberband=enabled, with librubberband-dev)");
}
Keylock::~Keylock() = default;
void Keylock::reset() noexcept {}
void Keylock::set(double, double) noexcept {}
double Keylock::rate() const noexcept { return 1.0; }
double Keylock::semitones() const noexcept { return 0.0; }
std::uint32_t Keylock::render(float* const*, std::uint32_t, std::uint32_t, Pull) noexcept {
  return 0;
}
std::uint32_t Keylock::latency() const noexcept { return 0; }
std::uint32_t Keylock::channels() const noexcept { return 0; }
int Keylock::engine_version() const noexcept { return 0; }

} // namespace ringengine
