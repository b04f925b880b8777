// SPDX-License-Identifier: MIT
/*
 * The peer hello (peer_hello.h): version negotiation as the control
 * protocol does it (docs/control.md, Handshake): each side sends its
 * range; the server picks the highest version both speak, or refuses
 * with both ranges in the text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "peer_hello.h"

#define V_MIN HV__PEER_PROTOCOL__PEER_VERSION
#define V_MAX HV__PEER_PROTOCOL__PEER_VERSION

/* @s (may be NULL) as printable ASCII, at most @len - 1 characters. */
static void clean(char *out, size_t len, const char *s)
{
	size_t i = 0;

	for (; s && s[i] && i < len - 1; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[i] = '\0';
	if (!i)
		snprintf(out, len, "?");
}

void peer_hello_make(Hv__PeerHello *m, const char *host,
		     const char *hv_version, Hv__PeerPurpose purpose)
{
	hv__peer_hello__init(m);
	m->min_version = V_MIN;
	m->max_version = V_MAX;
	m->host = (char *)host;
	m->hv_version = (char *)hv_version;
	m->purpose = purpose;
}

int peer_hello_answer(const uint8_t *msg, size_t len, const char *host,
		      const char *hv_version,
		      int (*served)(Hv__PeerPurpose purpose),
		      Hv__PeerHelloReply *r, struct peer_hello_info *peer,
		      char *why, size_t whylen)
{
	Hv__PeerHello *q = hv__peer_hello__unpack(NULL, len, msg);

	hv__peer_hello_reply__init(r);
	r->min_version = V_MIN;
	r->max_version = V_MAX;
	r->host = (char *)host;
	r->hv_version = (char *)hv_version;
	memset(peer, 0, sizeof(*peer));
	why[0] = '\0';
	if (!q) {
		r->status = -EBADMSG;
		snprintf(why, whylen, "not a peer hello");
		goto out;
	}
	clean(peer->host, sizeof(peer->host), q->host);
	clean(peer->hv_version, sizeof(peer->hv_version), q->hv_version);
	peer->purpose = q->purpose;
	if (q->min_version > V_MAX || q->max_version < V_MIN ||
	    q->min_version > q->max_version) {
		r->status = -EPROTONOSUPPORT;
		snprintf(why, whylen, "%s speaks peer protocol %u..%u, this "
			 "hvd %u..%u (%s here; upgrade the older side)",
			 q->host && *q->host ? peer->host : "the peer",
			 q->min_version, q->max_version, V_MIN, V_MAX,
			 hv_version);
	} else if (!served || !served(q->purpose)) {
		r->status = -EOPNOTSUPP;
		snprintf(why, whylen, "%s asks for purpose %d, not served "
			 "by this hvd", peer->host, q->purpose);
	} else {
		r->version = q->max_version < V_MAX ? q->max_version : V_MAX;
		peer->version = r->version;
	}
out:
	if (r->status)
		r->error = why;
	if (q)
		hv__peer_hello__free_unpacked(q, NULL);
	return r->status;
}

int peer_hello_reply_check(const uint8_t *msg, size_t len,
			   struct peer_hello_info *peer, char *why,
			   size_t whylen)
{
	Hv__PeerHelloReply *r = hv__peer_hello_reply__unpack(NULL, len, msg);
	char text[200];
	int ret = 0;

	memset(peer, 0, sizeof(*peer));
	if (!r) {
		snprintf(why, whylen, "its hello reply does not decode (not "
			 "an hvd?)");
		return -EPROTO;
	}
	clean(peer->host, sizeof(peer->host), r->host);
	clean(peer->hv_version, sizeof(peer->hv_version), r->hv_version);
	if (r->status) {
		clean(text, sizeof(text), r->error);
		snprintf(why, whylen, "refused by %s: %s", peer->host, text);
		/* only an errno the protocol names; anything else -EPROTO */
		ret = r->status == -EPROTONOSUPPORT || r->status == -EOPNOTSUPP
		      || r->status == -EBADMSG ? r->status : -EPROTO;
	} else if (r->version < V_MIN || r->version > V_MAX) {
		snprintf(why, whylen, "%s chose peer protocol %u, this hvd "
			 "speaks %u..%u", peer->host, r->version, V_MIN,
			 V_MAX);
		ret = -EPROTONOSUPPORT;
	} else {
		peer->version = r->version;
	}
	hv__peer_hello_reply__free_unpacked(r, NULL);
	return ret;
}
