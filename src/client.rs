//! Who a request counts against when the sandbox is shared: its account when accounts are on,
//! else the address it came from. Behind a reverse proxy every request comes from the proxy, so
//! the proxy's own `X-Forwarded-For` is believed when, and only when, the peer is one of the
//! `TRUSTED_PROXIES`.
use poem::http::HeaderMap;
use std::net::IpAddr;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientId {
    Account(String),
    Address(IpAddr),
}

/// Addresses and networks (`10.0.0.0/8`, `::1`) whose forwarded addresses are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// A comma-separated list of addresses and networks.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut out = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (addr, bits) = match item.split_once('/') {
                Some((addr, bits)) => (addr, Some(bits)),
                None => (item, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| format!("{item:?} is not an IP address or network"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => b.parse::<u8>().ok().filter(|&b| b <= max).ok_or_else(|| format!("{item:?} has no valid prefix length"))?,
                None => max,
            };
            out.push((addr, bits));
        }
        Ok(TrustedProxies(out))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|&(net, bits)| in_network(ip, net, bits))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// The address a request comes from: the peer's, or, when the peer is a trusted proxy, the
/// nearest address in `X-Forwarded-For` that is not one (clients can put anything at its left
/// end, so it is read from the right).
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    if !trusted.trusts(peer) {
        return peer;
    }
    let forwarded = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','));
    let hops: Vec<IpAddr> = forwarded.filter_map(|hop| hop.trim().parse().ok()).collect();
    hops.into_iter().rev().find(|ip| !trusted.trusts(*ip)).unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(forwarded: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", forwarded.parse().unwrap());
        h
    }

    #[test]
    fn a_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5").unwrap();
        let from = |peer: &str, fwd: &str| client_address(peer.parse().unwrap(), &headers(fwd), &trusted).to_string();
        assert_eq!(from("203.0.113.9", "1.2.3.4"), "203.0.113.9", "an untrusted peer's header is ignored");
        assert_eq!(from("10.1.2.3", "1.2.3.4"), "1.2.3.4");
        assert_eq!(from("10.1.2.3", "6.6.6.6, 1.2.3.4, 10.9.9.9"), "1.2.3.4", "read from the right, past trusted hops");
        assert_eq!(from("192.168.1.5", "nonsense"), "192.168.1.5");
        assert_eq!(from("192.168.1.6", "1.2.3.4"), "192.168.1.6");
    }

    #[test]
    fn a_bad_proxy_list_is_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.local").is_err());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("::1, fd00::/8").is_ok());
    }
}
