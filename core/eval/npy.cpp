// .npy encoding; see npy.h. Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
#include "eval/npy.h"

#include "util/json_io.h"

namespace acc {

std::string npy_bytes(const torch::Tensor& t) {
  const bool is_float = t.is_floating_point();
  const auto data = t.detach().to(torch::kCPU, is_float ? torch::kFloat : torch::kLong).contiguous();
  std::string shape = "(";
  for (int64_t d = 0; d < data.dim(); ++d) shape += std::to_string(data.size(d)) + (data.dim() == 1 ? "," : d + 1 < data.dim() ? ", " : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + (is_float ? "<f4" : "<i8") + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(static_cast<const char*>(data.data_ptr()), static_cast<size_t>(data.numel() * data.element_size()));
  return out;
}

void write_npy(const std::filesystem::path& path, const torch::Tensor& t) { write_file_atomic(path, npy_bytes(t)); }

}  // namespace acc
