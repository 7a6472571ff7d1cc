#include "audio_server.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <vector>

extern char** environ;

namespace testing_servers {

bool answers(Server kind, std::string& skip) {
  std::vector<const char*> argv = kind == Server::jack
                                      ? std::vector<const char*>{"jack_lsp", nullptr}
                                      : std::vector<const char*>{"pactl", "info", nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd <= 2; ++fd)
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr,
                              const_cast<char* const*>(argv.data()), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (rc == 0)
    waitpid(pid, &status, 0);
  if (rc == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return true;
  skip = std::string(kind == Server::jack ? "no JACK server" : "no PulseAudio server") +
         " answers: run the test through `meson test`, which starts one with "
         "tools/audio_servers.py (or the server is not installed)";
  return false;
}

} // namespace testing_servers
