// The acc version; see version.h.
#include "version.h"

namespace acc {

std::string acc_version() { return ACC_VERSION; }

}  // namespace acc
