# The Debian 12 packages ringengine needs, in one list, installed by one
# apt-get command (jackd2 must come in the same command as librtaudio-dev:
# installed later, apt removes librtaudio-dev). Sourced by setup.sh.
PACKAGES=(
  # build
  meson ninja-build pkg-config g++ libasound2-dev
  # audio: RtAudio, and real servers that run without a sound card
  librtaudio-dev libjack-jackd2-dev jackd2 pulseaudio pulseaudio-utils libpulse-dev
  # PipeWire, headless, with its Pulse and JACK layers (tests start one server at a time)
  pipewire pipewire-pulse pipewire-jack wireplumber dbus-daemon
  # Python binding and its tests
  python3 python3-cffi python3-pytest python3-numpy mypy
  # waiting on engine.fileno() from Tk (createfilehandler), under a virtual display
  python3-tk xvfb
  # property-based tests, and python-soundfile as the reference for PCM scaling
  python3-hypothesis python3-soundfile
  # audio files: libsndfile decodes, libsoxr resamples; FFmpeg and sox make
  # and check the test files
  libsndfile1-dev libsoxr-dev ffmpeg sox libsox-fmt-mp3
  # pip install into a venv, and the wheel (meson-python)
  python3-venv python3-mesonpy python3-build patchelf
  # C++ tests and benchmarks
  libgtest-dev libbenchmark-dev libboost-dev libreaderwriterqueue-dev
  # RealtimeSanitizer and the other sanitizers, fuzzing
  clang-19 libclang-rt-19-dev
  # PyPy and its pytest
  pypy3 python3-exceptiongroup python3-tomli
  # the benchmark plot
  python3-matplotlib
  # the mixer's references: SciPy's filters for the EQ, tmux to read the
  # live meters' screen
  python3-scipy tmux
  # key lock: Rubber Band's real-time stretcher (GPL-2+, -Drubberband)
  librubberband-dev
  # the side-by-side benchmark: scsynth renders the same voices offline
  supercollider-server
  # recording's references: sndfile-jackplay plays a known buffer into the
  # engine's JACK input ports; alsa-plugins' pulse plugin is ALSA's default
  # device when PulseAudio runs, the RtAudio ALSA duplex test's device
  sndfile-tools libasound2-plugins
  # the onset a listener hears: aubio's onset detector measures a key-locked
  # click launched on the bar against the same click played plain
  aubio-tools
)
