# SPDX-License-Identifier: GPL-2.0
#
# Command-line tools.

.PHONY: tools
userspace: tools
tools:
