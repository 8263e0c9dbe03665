//! Certificate policy processing (RFC 5280 §6.1.2 (a),(d)–(f), §6.1.3 (d)–(f), §6.1.4 (a),
//! (b), (h)–(j), §6.1.5 (a), (b), (g)): the valid_policy_tree with policy mappings, and the
//! explicit-policy, policy-mapping and inhibit-anyPolicy counters.
//!
//! The tree is kept as levels of nodes (depth 0 is the anyPolicy root); pruning marks nodes
//! dead. The tree is bounded: at most [`MAX_POLICY_NODES`] nodes are ever created. Policy qualifiers are not kept (they are informational for a relying party).

use std::collections::BTreeSet;

use const_oid::ObjectIdentifier;
use der::Decode;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{CertificatePolicies, PolicyConstraints, PolicyMappings};

use crate::extensions;

/// anyPolicy (2.5.29.32.0).
pub const ANY_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32.0");
const OID_CP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.32");
const OID_PM: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.33");
const OID_PC: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.36");
const OID_IAP: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.54");

/// The policy inputs of RFC 5280 §6.1.1 (c), (e), (f), (g).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyInputs {
    /// user-initial-policy-set (default: {anyPolicy}).
    pub initial_policy_set: Vec<ObjectIdentifier>,
    /// initial-explicit-policy.
    pub initial_explicit_policy: bool,
    /// initial-policy-mapping-inhibit.
    pub initial_policy_mapping_inhibit: bool,
    /// initial-any-policy-inhibit.
    pub initial_any_policy_inhibit: bool,
}

impl Default for PolicyInputs {
    fn default() -> Self {
        Self {
            initial_policy_set: vec![ANY_POLICY],
            initial_explicit_policy: false,
            initial_policy_mapping_inhibit: false,
            initial_any_policy_inhibit: false,
        }
    }
}

/// Why policy processing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyFailure {
    /// An extension could not be decoded (index in the path, leaf = 0).
    Malformed(usize),
    /// A policy mapping maps to or from anyPolicy.
    AnyPolicyMapping(usize),
    /// An explicit policy is required and no acceptable policy remains.
    NoAcceptablePolicy,
    /// The valid_policy_tree would grow beyond [`MAX_POLICY_NODES`] nodes (index of the
    /// certificate being processed): refused, bounded work on hostile input.
    TreeTooLarge(usize),
}

/// The most nodes the valid_policy_tree may hold over a whole path. Policy mappings can make
/// the tree grow exponentially with the path length (CVE-2023-0464 in OpenSSL); a path asking
/// for more is refused. The value follows OpenSSL's fix for that CVE (1000 nodes); a real path
/// needs a few dozen (the Government CA's carries one policy per certificate).
pub const MAX_POLICY_NODES: usize = 1000;

/// The outcome: `Ok(user-constrained policy set)` (empty when no policy is required and none
/// remains), or the failure.
pub type PolicyResult = Result<BTreeSet<ObjectIdentifier>, PolicyFailure>;

#[derive(Debug, Clone)]
struct PNode {
    policy: ObjectIdentifier,
    expected: BTreeSet<ObjectIdentifier>,
    parent: usize,
    alive: bool,
}

fn prune(tree: &mut [Vec<PNode>], depth: usize) {
    // Nodes above `depth` without living children die, level by level upwards.
    for d in (0..depth).rev() {
        let has_child: Vec<bool> = (0..tree[d].len())
            .map(|k| tree[d + 1].iter().any(|c| c.alive && c.parent == k))
            .collect();
        for (k, node) in tree[d].iter_mut().enumerate() {
            if !has_child[k] {
                node.alive = false;
            }
        }
    }
}

/// Count one more node, failing beyond [`MAX_POLICY_NODES`].
fn grow(nodes: &mut usize, idx: usize) -> Result<(), PolicyFailure> {
    *nodes += 1;
    if *nodes > MAX_POLICY_NODES {
        Err(PolicyFailure::TreeTooLarge(idx))
    } else {
        Ok(())
    }
}

fn alive_any(tree: &[Vec<PNode>]) -> bool {
    tree.first()
        .is_some_and(|root| root.iter().any(|n| n.alive))
}

/// Process the policies of `path` (leaf first; the anchor, last, is not processed).
pub fn process(path: &[&Certificate], inputs: &PolicyInputs) -> PolicyResult {
    let n = path.len() - 1; // certificates below the anchor
    let mut explicit = if inputs.initial_explicit_policy {
        0
    } else {
        n + 1
    };
    let mut inhibit_any = if inputs.initial_any_policy_inhibit {
        0
    } else {
        n + 1
    };
    let mut mapping = if inputs.initial_policy_mapping_inhibit {
        0
    } else {
        n + 1
    };
    let mut nodes = 1usize; // the root
    let mut tree: Option<Vec<Vec<PNode>>> = Some(vec![vec![PNode {
        policy: ANY_POLICY,
        expected: BTreeSet::from([ANY_POLICY]),
        parent: 0,
        alive: true,
    }]]);

    for i in 1..=n {
        let idx = n - i; // index in `path`
        let cert = path[idx];
        let tbs = cert.tbs_certificate();
        let self_issued = crate::names::names_match(tbs.subject(), tbs.issuer());
        let policies = match extensions::value(cert, &OID_CP) {
            Some(v) => Some(
                CertificatePolicies::from_der(v)
                    .map_err(|_| PolicyFailure::Malformed(idx))?
                    .0
                    .into_iter()
                    .map(|p| p.policy_identifier)
                    .collect::<Vec<_>>(),
            ),
            None => None,
        };
        // (d), (e)
        match (&policies, tree.as_mut()) {
            (Some(pols), Some(t)) => {
                let mut level: Vec<PNode> = Vec::new();
                let prev = &t[i - 1];
                for p in pols.iter().filter(|p| **p != ANY_POLICY) {
                    let mut matched = false;
                    for (k, node) in prev.iter().enumerate() {
                        if node.alive && node.expected.contains(p) {
                            matched = true;
                            grow(&mut nodes, idx)?;
                            level.push(PNode {
                                policy: *p,
                                expected: BTreeSet::from([*p]),
                                parent: k,
                                alive: true,
                            });
                        }
                    }
                    if !matched {
                        for (k, node) in prev.iter().enumerate() {
                            if node.alive && node.policy == ANY_POLICY {
                                grow(&mut nodes, idx)?;
                                level.push(PNode {
                                    policy: *p,
                                    expected: BTreeSet::from([*p]),
                                    parent: k,
                                    alive: true,
                                });
                            }
                        }
                    }
                }
                if pols.contains(&ANY_POLICY) && (inhibit_any > 0 || (i < n && self_issued)) {
                    for (k, node) in prev.iter().enumerate() {
                        if !node.alive {
                            continue;
                        }
                        for v in &node.expected {
                            if !level.iter().any(|c| c.parent == k && c.policy == *v) {
                                grow(&mut nodes, idx)?;
                                level.push(PNode {
                                    policy: *v,
                                    expected: BTreeSet::from([*v]),
                                    parent: k,
                                    alive: true,
                                });
                            }
                        }
                    }
                }
                t.push(level);
                prune(t, i);
                if !alive_any(t) {
                    tree = None;
                }
            }
            _ => tree = None,
        }
        // (f)
        if explicit == 0 && tree.is_none() {
            return Err(PolicyFailure::NoAcceptablePolicy);
        }
        if i == n {
            // Wrap-up (§6.1.5 (a), (b)).
            explicit = explicit.saturating_sub(1);
            if let Some(v) = extensions::value(cert, &OID_PC) {
                let pc =
                    PolicyConstraints::from_der(v).map_err(|_| PolicyFailure::Malformed(idx))?;
                if pc.require_explicit_policy == Some(0) {
                    explicit = 0;
                }
            }
            break;
        }
        // Preparation for the next certificate (§6.1.4).
        if let Some(v) = extensions::value(cert, &OID_PM) {
            let maps = PolicyMappings::from_der(v).map_err(|_| PolicyFailure::Malformed(idx))?;
            if maps.0.iter().any(|m| {
                m.issuer_domain_policy == ANY_POLICY || m.subject_domain_policy == ANY_POLICY
            }) {
                return Err(PolicyFailure::AnyPolicyMapping(idx));
            }
            if let Some(t) = tree.as_mut() {
                let issuer_policies: BTreeSet<ObjectIdentifier> =
                    maps.0.iter().map(|m| m.issuer_domain_policy).collect();
                for id in issuer_policies {
                    let subjects: BTreeSet<ObjectIdentifier> = maps
                        .0
                        .iter()
                        .filter(|m| m.issuer_domain_policy == id)
                        .map(|m| m.subject_domain_policy)
                        .collect();
                    let level = &mut t[i];
                    if mapping > 0 {
                        let mut found = false;
                        for node in level.iter_mut().filter(|x| x.alive && x.policy == id) {
                            node.expected = subjects.clone();
                            found = true;
                        }
                        if !found
                            && let Some(any) = level
                                .iter()
                                .find(|x| x.alive && x.policy == ANY_POLICY)
                                .map(|x| x.parent)
                        {
                            grow(&mut nodes, idx)?;
                            level.push(PNode {
                                policy: id,
                                expected: subjects,
                                parent: any,
                                alive: true,
                            });
                        }
                    } else {
                        for node in level.iter_mut().filter(|x| x.policy == id) {
                            node.alive = false;
                        }
                    }
                }
                prune(t, i);
                if !alive_any(t) {
                    tree = None;
                }
            }
        }
        // (h)
        if !self_issued {
            explicit = explicit.saturating_sub(1);
            mapping = mapping.saturating_sub(1);
            inhibit_any = inhibit_any.saturating_sub(1);
        }
        // (i)
        if let Some(v) = extensions::value(cert, &OID_PC) {
            let pc = PolicyConstraints::from_der(v).map_err(|_| PolicyFailure::Malformed(idx))?;
            if let Some(r) = pc.require_explicit_policy {
                explicit = explicit.min(r as usize);
            }
            if let Some(m) = pc.inhibit_policy_mapping {
                mapping = mapping.min(m as usize);
            }
        }
        // (j)
        if let Some(v) = extensions::value(cert, &OID_IAP) {
            let skip = u32::from_der(v).map_err(|_| PolicyFailure::Malformed(idx))?;
            inhibit_any = inhibit_any.min(skip as usize);
        }
    }

    // (g) Intersection with the user-initial-policy-set.
    let user_any = inputs.initial_policy_set.contains(&ANY_POLICY);
    let mut result = BTreeSet::new();
    if let Some(t) = tree.as_mut() {
        if !user_any {
            let user: BTreeSet<ObjectIdentifier> =
                inputs.initial_policy_set.iter().copied().collect();
            // valid_policy_node_set: nodes whose parent is anyPolicy.
            let mut node_set_policies = BTreeSet::new();
            for d in 1..t.len() {
                for k in 0..t[d].len() {
                    let parent_any = t[d - 1][t[d][k].parent].policy == ANY_POLICY;
                    let node = &mut t[d][k];
                    if !node.alive || !parent_any {
                        continue;
                    }
                    if node.policy != ANY_POLICY && !user.contains(&node.policy) {
                        node.alive = false;
                    } else if node.policy != ANY_POLICY {
                        node_set_policies.insert(node.policy);
                    }
                }
            }
            // Children of dead nodes die too.
            for d in 1..t.len() {
                for k in 0..t[d].len() {
                    let parent_alive = t[d - 1][t[d][k].parent].alive;
                    if !parent_alive {
                        t[d][k].alive = false;
                    }
                }
            }
            let last = t.len() - 1;
            if let Some(pos) = t[last]
                .iter()
                .position(|x| x.alive && x.policy == ANY_POLICY)
            {
                let parent = t[last][pos].parent;
                t[last][pos].alive = false;
                for p in user.iter().filter(|p| !node_set_policies.contains(*p)) {
                    grow(&mut nodes, 0)?;
                    t[last].push(PNode {
                        policy: *p,
                        expected: BTreeSet::from([*p]),
                        parent,
                        alive: true,
                    });
                }
            }
            prune(t, last);
        }
        let last = t.len() - 1;
        if alive_any(t) {
            for node in t[last].iter().filter(|x| x.alive) {
                if node.policy == ANY_POLICY {
                    result.extend(inputs.initial_policy_set.iter().copied());
                } else {
                    result.insert(node.policy);
                }
            }
        }
    }
    if explicit == 0 && result.is_empty() {
        return Err(PolicyFailure::NoAcceptablePolicy);
    }
    Ok(result)
}
