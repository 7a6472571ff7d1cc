// The C ABI, devices: what each audio API lists. Contracts are in
// ringengine.h.
#include <new>
#include <vector>

#include "handle.hpp"

using ringengine::BackendError;

ENGINE_EXPORT int engine_list_devices(const char* api, engine_device* out, std::uint32_t max,
                                      std::uint32_t* count) {
  capi::clear_last_error();
  if (count == nullptr || (out == nullptr && max != 0))
    return ENGINE_ERR_INVALID;
  *count = 0;
  try {
    std::string notes;
    const std::vector<ringengine::DeviceInfo> devices =
        ringengine::list_output_devices(api != nullptr ? api : "", notes);
    for (std::size_t i = 0; i < devices.size() && i < max; ++i) {
      engine_device d{};
      capi::copy_text(d.api, devices[i].api);
      capi::copy_text(d.name, devices[i].name);
      d.output_channels = devices[i].output_channels;
      d.is_default = devices[i].is_default ? 1 : 0;
      out[i] = d;
    }
    *count = static_cast<std::uint32_t>(devices.size());
    capi::set_last_error(notes);
    return ENGINE_OK;
  } catch (const BackendError& err) {
    return capi::fail(ENGINE_ERR_BACKEND, err.what());
  } catch (const std::bad_alloc&) {
    return capi::fail(ENGINE_ERR_NOMEM, "out of memory");
  } catch (const std::exception& err) {
    return capi::fail(ENGINE_ERR_INTERNAL, err.what());
  }
}
