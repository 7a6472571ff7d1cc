// Real audio servers for tests: starts JACK (dummy driver) or PulseAudio
// (null sink), waits until it answers (jack_lsp / pactl info), and stops it
// by PID when the object goes. A server that was already answering is used
// as it is and left running.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

namespace testing_servers {

enum class Server { jack, pulse };

const char* name(Server s);

class AudioServer {
public:
  // The running server, or nullptr with `skip` saying why when the server's
  // binary is not installed. Any other failure to start throws.
  static std::unique_ptr<AudioServer> start(Server kind, std::string& skip);
  ~AudioServer();
  AudioServer(const AudioServer&) = delete;
  AudioServer& operator=(const AudioServer&) = delete;

private:
  AudioServer(Server kind, pid_t pid) : kind_(kind), pid_(pid) {}
  Server kind_;
  pid_t pid_; // 0 when we did not start it
};

} // namespace testing_servers
