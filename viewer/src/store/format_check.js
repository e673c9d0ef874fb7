// The viewer reads format version 1 (docs/run-format.md); a newer writer may add things we do not
// know, which we ignore after saying so once.

import { notice } from '../ui/notice.js';

export const VIEWER_FORMAT_VERSION = 1;

export function checkFormatVersion(version, where) {
  if (typeof version === 'number' && version > VIEWER_FORMAT_VERSION)
    notice(`${where} was written by a newer acc (format ${version}); some parts may not show`);
}
