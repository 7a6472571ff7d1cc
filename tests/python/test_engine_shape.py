"""The engine's Python shape (issue 31): the offline-only methods on
OfflineEngine, names that say what they are (with the old ones kept as
aliases), and the constructor's fields read from the C struct."""
import array
import inspect

import pytest

import ringengine
from ringengine import (AudioEngine, DspLoad, InvalidArgumentError, Load, OfflineEngine,
                        UnsupportedError, lib)
from ringengine._lib import ffi


# -- OfflineEngine ------------------------------------------------------------

def test_an_offline_engine_is_an_offline_engine_however_it_is_made():
    with AudioEngine(backend="offline") as a, AudioEngine("offline") as b, \
            OfflineEngine() as c, OfflineEngine(backend="offline", voices=2) as d:
        for e in (a, b, c, d):
            assert type(e) is OfflineEngine and isinstance(e, AudioEngine)
            assert e.backend == "offline"
        assert d.voices == 2
        a.send_ping()
        a.process()
        assert a.try_recv() == ringengine.Pong(0, 0)
        assert c.render_into(array.array("f", bytes(4 * 8 * c.channels))) == 8


def test_an_offline_engine_is_not_made_for_another_backend():
    with pytest.raises(InvalidArgumentError, match="an OfflineEngine's backend is 'offline', "
                                                   "not 'null'"):
        OfflineEngine(backend="null")


@pytest.mark.parametrize("name", ["process", "render", "render_into"])
def test_another_engine_has_no_offline_methods_and_says_so(null, name):
    assert type(null) is AudioEngine
    assert not hasattr(null, name) and not hasattr(AudioEngine, name)
    with pytest.raises(UnsupportedError, match=r"%s: only an engine made with "
                       r"backend='offline' \(an OfflineEngine\)" % name) as info:
        getattr(null, name)
    assert isinstance(info.value, AttributeError)
    assert info.value.code == lib.ENGINE_ERR_UNSUPPORTED
    assert "'null'" in str(info.value)
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        null.no_such_thing


# -- names --------------------------------------------------------------------

def test_cpu_load_is_the_load_and_reads_change_nothing(offline):
    offline.process()
    first = offline.cpu_load
    assert isinstance(first, Load) and first.callbacks == 1
    for read in (offline.load, offline.cpu_load):  # the alias reads the same snapshot
        assert isinstance(read, Load) and (read.frame, read.callbacks) == (256, 1)


def test_read_dsp_load_starts_the_next_interval_as_the_dsp_load_alias_does(offline):
    for _ in range(4):
        offline.process()
    load = offline.read_dsp_load()
    assert isinstance(load, DspLoad) and 0 < load.average <= load.peak
    assert offline.read_dsp_load() == DspLoad(0.0, 0.0), "no block since the last read"
    offline.process()
    assert offline.dsp_load.peak > 0, "the alias reads (and resets) as the method does"
    assert offline.read_dsp_load() == DspLoad(0.0, 0.0)


# -- the constructor's fields -------------------------------------------------

def test_the_constructors_fields_are_the_structs():
    struct = [name for name, _ in ffi.typeof("engine_config").fields if name != "size"]
    params = list(inspect.signature(AudioEngine).parameters)
    assert sorted(params) == sorted(struct)
    assert params[:2] == ["backend", "device"]
    assert [p for p in params if p != "device"] == [p for p in struct if p != "device"], \
        "after backend and device, the struct's order (as every release had it)"
    assert inspect.signature(OfflineEngine).parameters["backend"].default == "offline"


def test_the_defaults_are_the_librarys():
    config = ffi.new("engine_config *")
    lib.engine_config_init_size(config, ffi.sizeof(config[0]))
    for name, value in ringengine.DEFAULTS.items():
        if name == "pan_law":
            assert ringengine.PAN_LAWS[value] == config.pan_law
        else:
            assert getattr(config, name) == value, name
    with OfflineEngine() as e:
        assert (e.capacity, e.sample_rate, e.voices) == (config.capacity, config.sample_rate,
                                                         config.voices)


def test_fields_are_taken_by_position_as_before():
    # backend, device, capacity, sample_rate, block_frames, channels, ...
    with AudioEngine("offline", None, 16, 44100, 128, 1) as e:
        assert (e.capacity, e.sample_rate, e.block_frames, e.channels) == (16, 44100, 128, 1)


def test_an_unknown_field_is_a_type_error_naming_the_fields():
    with pytest.raises(TypeError, match="unexpected keyword argument 'voice'.*voices"):
        AudioEngine(backend="offline", voice=3)
    with pytest.raises(TypeError, match="multiple values for argument 'backend'"):
        AudioEngine("offline", backend="null")


def test_the_library_checks_the_ranges_and_python_the_types():
    np = pytest.importorskip("numpy", reason="numpy integers are among the types taken")
    with AudioEngine(backend="offline", voices=np.int64(3), meter_ms=np.uint16(0)) as e:
        assert e.voices == 3 and e.meter_ms == 0
    # The range: the library's one check, its reason in the exception.
    with pytest.raises(InvalidArgumentError, match=r"engine_create: config\.sample_rate must be "):
        AudioEngine(backend="offline", sample_rate=10)
    # The type: a float, a bool or a value the C field cannot hold.
    for value in (1.5, True, -1, 2**32):
        with pytest.raises(InvalidArgumentError, match="voices must be"):
            AudioEngine(backend="offline", voices=value)
