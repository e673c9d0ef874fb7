// Out-of-line pieces of the Model interface: the one spelling of an image shape used in
// error messages and config files.
#include "models/model.h"

namespace acc {

std::string ImageShape::str() const {
  return std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
}

}  // namespace acc
