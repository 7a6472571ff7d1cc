// The real audio servers of the C++ tests. They are not started here: Meson
// runs the test under tools/audio_servers.py (the one helper the tests and
// the benchmarks share), which starts JACK and PulseAudio, and stops them
// after. A test asks whether its server answers, and skips if not.
#pragma once

#include <string>

namespace testing_servers {

enum class Server { jack, pulse };

// True when the server answers its own tool (jack_lsp, pactl info); false
// with `skip` saying why otherwise.
bool answers(Server kind, std::string& skip);

} // namespace testing_servers
