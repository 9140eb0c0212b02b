// SPDX-License-Identifier: GPL-2.0
/*
 * pag_lsm - BPF LSM program that tags every userspace socket with the PAG
 * (session keyring serial) of the task that created it.
 */

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include <linux/pag_bpf.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pag_sock_tag);
} pag_sock_tags SEC(".maps");

static __always_inline __s32 current_session_keyring(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	/* A NULL keyring reads as 0: the CO-RE read chain stops there. */
	return BPF_CORE_READ(task, cred, session_keyring, serial);
}

SEC("lsm/socket_post_create")
int BPF_PROG(pag_socket_post_create, struct socket *sock, int family,
	     int type, int protocol, int kern, int ret)
{
	struct pag_sock_tag *tag;

	/* Pass an earlier denial through; kernel sockets have no creator. */
	if (ret || kern || !sock->sk)
		return ret;

	tag = bpf_sk_storage_get(&pag_sock_tags, sock->sk, NULL,
				 BPF_SK_STORAGE_GET_F_CREATE);
	if (!tag)
		return 0;
	tag->pag = current_session_keyring();
	tag->reserved = 0;
	tag->tagged_ns = bpf_ktime_get_boot_ns();
	return 0;
}
