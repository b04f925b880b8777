// SPDX-License-Identifier: MIT
/*
 * Writes the control fuzz target's seed corpus: one record per file, a
 * hello and one of each request hvctl sends.
 * usage: gen_control_corpus DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include "seed_write.h"
#include "proto/control.pb-c.h"

static int put(const char *dir, const char *name, Hv__CtlClientMessage *m)
{
	return seed_write(dir, name, &m->base);
}

int main(int argc, char **argv)
{
	Hv__CtlClientMessage m = HV__CTL_CLIENT_MESSAGE__INIT;
	Hv__CtlHello h = HV__CTL_HELLO__INIT;
	Hv__CtlRequest q = HV__CTL_REQUEST__INIT;
	Hv__CtlListRequest l = HV__CTL_LIST_REQUEST__INIT;
	Hv__CtlCreateRequest c = HV__CTL_CREATE_REQUEST__INIT;
	Hv__CtlSaveRequest s = HV__CTL_SAVE_REQUEST__INIT;
	Hv__CtlRestoreRequest r = HV__CTL_RESTORE_REQUEST__INIT;
	Hv__CtlPauseRequest p = HV__CTL_PAUSE_REQUEST__INIT;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_control_corpus DIR\n");
		return 2;
	}
	h.min_version = h.max_version = 1;
	h.client = "seed";
	m.msg_case = HV__CTL_CLIENT_MESSAGE__MSG_HELLO;
	m.hello = &h;
	bad |= put(argv[1], "hello", &m);
	m.msg_case = HV__CTL_CLIENT_MESSAGE__MSG_REQUEST;
	m.request = &q;
	q.id = 1;
	q.req_case = HV__CTL_REQUEST__REQ_LIST;
	q.list = &l;
	bad |= put(argv[1], "list", &m);
	c.config_text = "name = \"web1\"\nkernel = \"/boot/vmlinux\"\n";
	c.config_name = "web1.cfg";
	q.req_case = HV__CTL_REQUEST__REQ_CREATE;
	q.create = &c;
	bad |= put(argv[1], "create", &m);
	s.domain = "web1";
	s.path = "/var/lib/hv/web1.sav";
	q.req_case = HV__CTL_REQUEST__REQ_SAVE;
	q.save = &s;
	bad |= put(argv[1], "save", &m);
	r.path = "/var/lib/hv/web1.sav";
	q.req_case = HV__CTL_REQUEST__REQ_RESTORE;
	q.restore = &r;
	bad |= put(argv[1], "restore", &m);
	p.domain = "7";
	q.req_case = HV__CTL_REQUEST__REQ_PAUSE;
	q.pause = &p;
	bad |= put(argv[1], "pause", &m);
	return bad ? 1 : 0;
}
