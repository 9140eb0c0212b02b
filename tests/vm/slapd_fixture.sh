#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The slapd fixture works inside the VM as on the host.
exec "$(dirname "$0")/../host/slapd_fixture.sh"
