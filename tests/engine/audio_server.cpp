#include "audio_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace testing_servers {
namespace {

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = dirs.find(':', start);
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0)
      return true;
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return false;
}

// Starts argv with stdin, stdout and stderr on /dev/null; returns its PID.
pid_t spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd = 0; fd <= 2; ++fd)
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

// Runs argv to completion; true when it exited 0.
bool succeeds(const std::vector<std::string>& args) {
  const pid_t pid = spawn(args);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::vector<std::string> probe(Server s) {
  return s == Server::jack ? std::vector<std::string>{"jack_lsp"}
                           : std::vector<std::string>{"pactl", "info"};
}

} // namespace

const char* name(Server s) { return s == Server::jack ? "JACK" : "PulseAudio"; }

std::unique_ptr<AudioServer> AudioServer::start(Server kind, std::string& skip) {
  const std::string binary = kind == Server::jack ? "jackd" : "pulseaudio";
  if (!on_path(binary) || !on_path(probe(kind)[0])) {
    skip = binary + " is not installed";
    return nullptr;
  }
  if (succeeds(probe(kind)))
    return std::unique_ptr<AudioServer>(new AudioServer(kind, 0));

  const std::vector<std::string> args =
      kind == Server::jack
          ? std::vector<std::string>{"jackd", "--no-realtime", "-d", "dummy", "-r", "48000",
                                     "-p", "256"}
          : std::vector<std::string>{"pulseaudio", "-n", "--daemonize=no",
                                     "--exit-idle-time=-1", "-L",
                                     "module-null-sink sink_name=null", "-L",
                                     "module-native-protocol-unix"};
  const pid_t pid = spawn(args);
  std::unique_ptr<AudioServer> server(new AudioServer(kind, pid));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!succeeds(probe(kind))) {
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      server->pid_ = 0;
      throw std::runtime_error(binary + " exited before it was ready");
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(binary + " did not answer within 15 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return server;
}

AudioServer::~AudioServer() {
  if (pid_ == 0)
    return;
  kill(pid_, SIGTERM);
  for (int i = 0; i < 50; ++i) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

} // namespace testing_servers
