// What backend.cpp needs of the backends that live in their own files.
// Internal. Each server API has a start and a list function; in a build
// without its library they throw BackendError::unavailable saying so.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/backend.hpp"

namespace ringengine {

std::unique_ptr<Backend> start_null_backend(AudioCallback& engine);

// JACK through libjack (backend_jack.cpp).
std::unique_ptr<Backend> start_jack_backend(AudioCallback& engine, const std::string& device);
std::vector<DeviceInfo> list_jack_devices();

// PulseAudio and PipeWire-Pulse through libpulse (backend_pulse.cpp).
std::unique_ptr<Backend> start_pulse_backend(AudioCallback& engine, const std::string& device);
std::vector<DeviceInfo> list_pulse_devices();

// RtAudio (backend_rtaudio.cpp); `api` an RtAudio API name ("alsa",
// "pulse"), never empty.
std::unique_ptr<Backend> start_rtaudio_backend(AudioCallback& engine, const std::string& api,
                                               const std::string& device);
std::vector<DeviceInfo> list_rtaudio_devices(const std::string& api);

// Of `names`, the one equal to `wanted`, else the only one containing it
// (case-insensitive), else the first when `wanted` is empty. Throws
// BackendError::no_device naming the candidates otherwise.
std::string match_device(const std::vector<std::string>& names, const std::string& wanted);

} // namespace ringengine
