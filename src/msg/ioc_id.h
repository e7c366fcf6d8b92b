// ioctl identifiers (iocblk::ioc_id). Not installed.
#pragma once

namespace strdp::msg {

// A process-wide, never-zero id: mkiocb() and the stream head draw from
// the same sequence, so a reply can never be matched to the wrong ioctl.
// Any thread.
unsigned next_ioc_id() noexcept;

}  // namespace strdp::msg
