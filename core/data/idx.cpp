// IDX reading and writing. Everything goes through zlib's gz* API: gzread passes a raw file
// through unchanged, so one code path serves `foo-idx3-ubyte` and `foo-idx3-ubyte.gz`.
#include "data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <sstream>
#include <vector>

#include "error.h"

namespace acc {

namespace {

constexpr uint8_t kTypeUbyte = 0x08;
const char* const kFixHint =
    "re-run scripts/fetch_mnist.sh or point ACC_DATA / the dataset's path at the official "
    "IDX files";

struct GzCloser {
  void operator()(gzFile_s* f) const {
    if (f) gzclose(f);
  }
};
using GzHandle = std::unique_ptr<gzFile_s, GzCloser>;

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", v);
  return buf;
}

// Sequential reads of a raw or gzip'd file. A gzip stream cut short is not a read error
// for zlib: it returns what it could decode and flags Z_BUF_ERROR, kept in `truncated`.
class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path), gz_(gzopen(path.c_str(), "rb")) {
    if (!gz_) throw Error(path + ": cannot open for reading; check the path and permissions");
  }
  // Up to `n` bytes into `dst`; fewer only at the end of the data.
  size_t read(void* dst, size_t n) {
    size_t got = 0;
    while (got < n) {
      const unsigned want = unsigned(std::min<size_t>(n - got, 1u << 30));
      const int r = gzread(gz_.get(), static_cast<uint8_t*>(dst) + got, want);
      if (r < 0) {
        int errnum = 0;
        const char* msg = gzerror(gz_.get(), &errnum);
        throw Error(path_ + ": corrupt gzip data (zlib: " + msg + "); " + kFixHint);
      }
      if (r == 0) break;
      got += size_t(r);
    }
    return got;
  }
  // Bytes left until the end of the data.
  size_t count_rest() {
    uint8_t buf[1 << 16];
    size_t total = 0;
    for (size_t n; (n = read(buf, sizeof(buf))) > 0;) total += n;
    return total;
  }
  bool truncated() {
    int errnum = Z_OK;
    gzerror(gz_.get(), &errnum);
    return errnum == Z_BUF_ERROR;
  }

 private:
  std::string path_;
  GzHandle gz_;
};

uint32_t big_endian_u32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// Reads and validates the header; returns the dims.
std::vector<int64_t> read_header(GzReader& in, const std::string& path, int ndims,
                                 const std::string& what) {
  uint8_t b[4];
  const size_t got = in.read(b, 4);
  const uint32_t expected_magic = (uint32_t(kTypeUbyte) << 8) | uint32_t(ndims);
  const std::string expected = "expected an idx" + std::to_string(ndims) + " " + what +
                               " file (magic " + hex32(expected_magic) + ")";
  if (got < 4)
    throw Error(path + ": only " + std::to_string(got) + " bytes, too short to be an IDX file; " +
                expected + "; " + kFixHint);
  const uint32_t magic = big_endian_u32(b);
  if (magic != expected_magic) {
    std::string problem = "wrong magic number " + hex32(magic);
    if (b[0] == 0 && b[1] == 0 && b[2] == kTypeUbyte && b[3] != ndims)
      problem =
          "is an idx" + std::to_string(b[3]) + " file (" + std::to_string(b[3]) + " dimensions)";
    else if (b[0] == 0 && b[1] == 0 && b[3] == ndims)
      problem = "element type " + std::to_string(b[2]) + " is not unsigned byte (8)";
    throw Error(path + ": " + problem + "; " + expected + "; " + kFixHint);
  }
  std::vector<int64_t> dims;
  for (int i = 0; i < ndims; ++i) {
    if (in.read(b, 4) < 4)
      throw Error(path + ": truncated header (ends in dimension " + std::to_string(i + 1) + " of " +
                  std::to_string(ndims) + "); " + kFixHint);
    dims.push_back(big_endian_u32(b));
  }
  return dims;
}

torch::Tensor read_idx(const std::string& path, int ndims, const std::string& what) {
  GzReader in(path);
  const std::vector<int64_t> dims = read_header(in, path, ndims, what);
  double payload = 1;  // double: a corrupt header must not overflow the check itself
  for (int64_t d : dims) payload *= double(d);
  for (size_t i = 1; i < dims.size(); ++i)
    if (dims[i] == 0)
      throw Error(path + ": header has a zero-sized dimension; " + std::string(kFixHint));
  // Far beyond any real IDX file; refuse rather than reserve terabytes for a garbled header.
  if (payload > double(int64_t(1) << 36))
    throw Error(path + ": header claims " + std::to_string(payload / 1e9) +
                " GB of data, which is not plausible; " + kFixHint);

  std::ostringstream says;
  says << "header says " << dims[0] << " " << what;
  if (ndims == 3) says << " of " << dims[1] << "x" << dims[2];
  says << " (" << int64_t(payload) << " bytes)";

  // Read straight into the tensor: MNIST's 47 MB train images need no extra copy.
  auto out = torch::empty(dims, torch::kUInt8);
  const size_t got = in.read(out.data_ptr<uint8_t>(), size_t(payload));
  if (got < size_t(payload))
    throw Error(path + ": truncated" + (in.truncated() ? " (gzip stream ends early)" : "") + ": " +
                says.str() + " but the file holds " + std::to_string(got) + " bytes; " + kFixHint);
  const size_t extra = in.count_rest();
  if (extra > 0)
    throw Error(path + ": trailing data: " + says.str() + " but the file holds " +
                std::to_string(got + extra) + " bytes; " + kFixHint);
  if (in.truncated()) throw Error(path + ": gzip stream ends early; " + std::string(kFixHint));
  return out;
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

// Header + payload, written to `path`.tmp then renamed into place.
void write_idx(const std::string& path, const torch::Tensor& bytes_u8, bool gzip) {
  TORCH_CHECK(bytes_u8.scalar_type() == torch::kUInt8, "write_idx: expected uint8");
  const auto data = bytes_u8.contiguous().cpu();
  std::vector<uint8_t> header;
  put_u32(header, (uint32_t(kTypeUbyte) << 8) | uint32_t(data.dim()));
  for (int64_t d : data.sizes()) {
    TORCH_CHECK(d <= int64_t(UINT32_MAX), "write_idx: dimension ", d, " does not fit IDX");
    put_u32(header, uint32_t(d));
  }

  const std::string tmp = path + ".tmp";
  const auto fail = [&](const std::string& what) {
    std::remove(tmp.c_str());
    return Error(path + ": " + what + "; check that the directory exists and is writable",
                 ExitCode::kFailure);
  };
  // "wb" compresses at zlib's default level; "wbT" writes the bytes through uncompressed.
  GzHandle gz(gzopen(tmp.c_str(), gzip ? "wb" : "wbT"));
  if (!gz) throw fail("cannot open " + tmp + " for writing");
  bool ok = gzwrite(gz.get(), header.data(), unsigned(header.size())) == int(header.size());
  const auto* p = data.data_ptr<uint8_t>();
  size_t left = size_t(data.numel());
  while (ok && left > 0) {
    const unsigned n = unsigned(std::min<size_t>(left, 1 << 24));
    ok = gzwrite(gz.get(), p, n) == int(n);
    p += n;
    left -= n;
  }
  ok = (gzclose(gz.release()) == Z_OK) && ok;  // closing flushes: its result matters
  if (!ok) throw fail("write failed");
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw fail("cannot rename " + tmp);
}

}  // namespace

torch::Tensor read_idx_images(const std::string& path) {
  return read_idx(path, /*ndims=*/3, "images");
}

torch::Tensor read_idx_labels(const std::string& path) {
  return read_idx(path, /*ndims=*/1, "labels");
}

void write_idx_images(const std::string& path, const torch::Tensor& images, bool gzip) {
  torch::Tensor x = images;
  if (x.dim() == 4 && x.size(1) == 1) x = x.squeeze(1);
  TORCH_CHECK(x.dim() == 3, "write_idx_images: expected [N, H, W] or [N, 1, H, W], got ",
              images.sizes());
  if (x.is_floating_point()) x = (x.clamp(0, 1) * 255).round();
  write_idx(path, x.to(torch::kUInt8), gzip);
}

void write_idx_labels(const std::string& path, const torch::Tensor& labels, bool gzip) {
  TORCH_CHECK(labels.dim() == 1, "write_idx_labels: expected [N], got ", labels.sizes());
  TORCH_CHECK(!labels.is_floating_point(), "write_idx_labels: expected integer labels");
  if (labels.numel() > 0)
    TORCH_CHECK(labels.min().item<int64_t>() >= 0 && labels.max().item<int64_t>() <= 255,
                "write_idx_labels: labels must be in 0..255");
  write_idx(path, labels.to(torch::kUInt8), gzip);
}

}  // namespace acc
