#!/bin/bash
# Host firewall rules for the sandboxes. Every session network's bridge is
# named pg-<12 characters of the session id> (see lib/docker/runtime.ts), so
# one wildcard covers them all:
#  - nothing from a session reaches the host itself (the playground's server,
#    sshd, databases...), except answers to connections the host opened (the
#    port proxy, the Docker panel, terminals);
#  - nothing from a session reaches link-local addresses, where clouds serve
#    instance metadata (169.254.169.254) and credentials.
#  - with EGRESS=off, nothing from a session leaves for other networks (the
#    internet): the registry, on each session's own network, still serves
#    the catalog, so "off" is also "registry only". EGRESS=on (the default)
#    lets learners reach the internet where the host can.
# Traffic between a session's own containers, and to the registry on its
# network, is bridged and unaffected. Idempotent; needs root and iptables.
set -euo pipefail

chain=PLAYGROUND-INPUT
iptables -N "$chain" 2>/dev/null || iptables -F "$chain"
iptables -A "$chain" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
iptables -A "$chain" -j DROP
iptables -C INPUT -i pg-+ -j "$chain" 2>/dev/null || iptables -I INPUT 1 -i pg-+ -j "$chain"

# DOCKER-USER is Docker's chain for rules of the administrator's, consulted
# before its own forwarding rules; it exists once dockerd has started.
iptables -N DOCKER-USER 2>/dev/null || true
forward=PLAYGROUND-FORWARD
iptables -N "$forward" 2>/dev/null || iptables -F "$forward"
iptables -A "$forward" -d 169.254.0.0/16 -j DROP
case "${EGRESS:-on}" in
  on) ;;
  off) iptables -A "$forward" ! -o pg-+ -j DROP ;;
  *) echo "EGRESS must be on or off, not ${EGRESS}" >&2; exit 2 ;;
esac
# Rules of earlier versions of this script.
iptables -D DOCKER-USER -i pg-+ -d 169.254.0.0/16 -j DROP 2>/dev/null || true
iptables -C DOCKER-USER -i pg-+ -j "$forward" 2>/dev/null || iptables -I DOCKER-USER 1 -i pg-+ -j "$forward"

# The playground engine's namespace (sandbox/engine.sh) is routed through the
# veth pg-uplink, which the host engine's rules do not know: what leaves it
# passes the same checks, then is let out (the host engine may have set
# FORWARD's policy to DROP); what comes to it from other networks is refused
# unless it answers a connection from inside. The host itself reaches nodes
# without forwarding.
uplink=PLAYGROUND-UPLINK
iptables -N "$uplink" 2>/dev/null || iptables -F "$uplink"
iptables -A "$uplink" -i pg-uplink -j "$forward"
iptables -A "$uplink" -i pg-uplink -j ACCEPT
iptables -A "$uplink" -o pg-uplink -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A "$uplink" -o pg-uplink -j DROP
iptables -C FORWARD -j "$uplink" 2>/dev/null || iptables -I FORWARD 1 -j "$uplink"
