//! The logical structure tree (ISO 32000-1 §14.7) after a signature: what a signing tool may
//! add when it tags the annotations it adds (a `/Form` element with an object reference to the
//! new widget, ISO 32000-1 §14.7.4.3), and nothing more.
//!
//! Structure elements carry what assistive technology reads and what text extraction returns
//! (`/Alt`, `/ActualText`, `/E`), so an element that existed when the document was signed
//! must not change, and a new element may only tag objects that are new themselves — never
//! marked content of signed page content. Allowed, in the revision that adds annotations:
//! - `/StructTreeRoot`: new kids appended to `/K`, `/ParentTreeNextKey` raised, `/ParentTree`
//!   replaced or rewritten so that every old key keeps the same value;
//! - an old structure element: new kids appended to `/K`;
//! - a parent tree node: rewritten with the same rule as the whole parent tree;
//! - new structure elements whose content is only object references to new objects (or
//!   further such elements).

use std::collections::{BTreeMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::ModificationLevel;
use super::fields::is_signature_widget;
use crate::load::{catalog, resolve, resolve_dict};

/// Most structure elements or number tree nodes visited.
const MAX_NODES: usize = 200_000;

/// The old revision's structure tree objects, and whether what a later revision did to them
/// is the bookkeeping of tagging new annotations.
pub(super) struct StructureCheck {
    /// Old objects of the structure tree: the root, elements and parent tree nodes.
    pub ids: HashSet<ObjectId>,
    /// `Ok(level)` when every change to those objects is allowed bookkeeping (level from what
    /// the new elements tag), `Err(why)` otherwise.
    pub outcome: Result<ModificationLevel, String>,
}

impl StructureCheck {
    pub(super) fn new(old: &Document, new: &Document) -> Self {
        let ids = structure_ids(old);
        let changed: Vec<ObjectId> = ids
            .iter()
            .copied()
            .filter(|id| old.objects.get(id) != new.objects.get(id))
            .collect();
        let outcome = if changed.is_empty() {
            Ok(ModificationLevel::None)
        } else {
            Checker {
                old,
                new,
                tagged: Vec::new(),
            }
            .check(&changed, &ids)
        };
        Self { ids, outcome }
    }
}

fn dict_of(doc: &Document, id: ObjectId) -> Option<&Dictionary> {
    doc.objects.get(&id).and_then(|o| o.as_dict().ok())
}

fn name<'a>(d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    d.get(key).ok().and_then(|n| n.as_name().ok())
}

/// The structure tree root (when indirect), the structure elements reachable from it and the
/// parent tree's nodes, in `doc`.
fn structure_ids(doc: &Document) -> HashSet<ObjectId> {
    let mut ids = HashSet::new();
    let Ok((_, cat)) = catalog(doc) else {
        return ids;
    };
    let Ok(Object::Reference(root)) = cat.get(b"StructTreeRoot") else {
        return ids;
    };
    let Some(root_dict) = dict_of(doc, *root) else {
        return ids;
    };
    ids.insert(*root);
    // Elements: follow /K from the root through dictionaries that are structure elements.
    let mut stack: Vec<&Object> = root_dict.get(b"K").ok().into_iter().collect();
    while let Some(k) = stack.pop() {
        if ids.len() > MAX_NODES {
            break;
        }
        match k {
            Object::Array(a) => stack.extend(a.iter()),
            Object::Reference(r) => {
                let Some(d) = dict_of(doc, *r) else { continue };
                let is_elem = name(d, b"Type") == Some(b"StructElem".as_slice())
                    || (d.has(b"S") && d.has(b"P"));
                if is_elem && ids.insert(*r) {
                    stack.extend(d.get(b"K").ok());
                }
            }
            _ => {}
        }
    }
    // The parent tree's nodes (the number tree itself, not the arrays it maps to).
    let mut nodes: Vec<&Object> = root_dict.get(b"ParentTree").ok().into_iter().collect();
    while let Some(n) = nodes.pop() {
        if ids.len() > MAX_NODES {
            break;
        }
        if let Object::Reference(r) = n
            && let Some(d) = dict_of(doc, *r)
            && ids.insert(*r)
            && let Ok(Object::Array(kids)) = d.get(b"Kids")
        {
            nodes.extend(kids.iter());
        }
    }
    ids
}

/// A number tree flattened (ISO 32000-1 §7.9.7), bounded and loop-safe.
fn number_tree<'a>(doc: &'a Document, node: &'a Object) -> BTreeMap<i64, &'a Object> {
    let mut out = BTreeMap::new();
    let mut seen = HashSet::new();
    let mut stack = vec![(node, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if depth > 32 || out.len() > MAX_NODES {
            break;
        }
        if let Object::Reference(r) = n
            && !seen.insert(*r)
        {
            continue;
        }
        let Some(d) = resolve_dict(doc, n) else {
            continue;
        };
        if let Some(Object::Array(nums)) = d.get(b"Nums").ok().and_then(|x| resolve(doc, x)) {
            for pair in nums.chunks(2) {
                if let [k, v] = pair
                    && let Ok(k) = k.as_i64()
                {
                    out.insert(k, v);
                }
            }
        }
        if let Some(Object::Array(kids)) = d.get(b"Kids").ok().and_then(|x| resolve(doc, x)) {
            stack.extend(kids.iter().map(|k| (k, depth + 1)));
        }
    }
    out
}

struct Checker<'a> {
    old: &'a Document,
    new: &'a Document,
    /// Objects the new structure elements tag (object references).
    tagged: Vec<ObjectId>,
}

impl Checker<'_> {
    fn is_new(&self, id: ObjectId) -> bool {
        !self.old.objects.contains_key(&id) && self.new.objects.contains_key(&id)
    }

    fn check(
        mut self,
        changed: &[ObjectId],
        ids: &HashSet<ObjectId>,
    ) -> Result<ModificationLevel, String> {
        let root = match catalog(self.old) {
            Ok((_, cat)) => cat
                .get(b"StructTreeRoot")
                .ok()
                .and_then(|r| r.as_reference().ok()),
            Err(_) => None,
        };
        let mut parent_tree_checked = false;
        for &id in changed {
            let (Some(a), Some(b)) = (dict_of(self.old, id), dict_of(self.new, id)) else {
                return Err("a structure tree object was removed or changed type".into());
            };
            if Some(id) == root {
                self.root_change(a, b)?;
                parent_tree_checked = true;
            } else if name(a, b"Type") == Some(b"StructElem".as_slice())
                || (a.has(b"S") && a.has(b"P"))
            {
                for (key, x, y) in super::changed_entries(a, b) {
                    if key.as_slice() != b"K" {
                        return Err(format!(
                            "the entry /{} of a signed structure element was changed",
                            String::from_utf8_lossy(&key)
                        ));
                    }
                    self.kids_appended(x, y)?;
                }
            } else if !parent_tree_checked {
                // A parent tree node rewritten in place: the whole tree must keep its old keys.
                let root_dict = root.and_then(|r| dict_of(self.new, r));
                let old_root = root.and_then(|r| dict_of(self.old, r));
                match (old_root, root_dict) {
                    (Some(a), Some(b)) => self.parent_tree(a, b)?,
                    _ => return Err("the structure tree root is missing".into()),
                }
                parent_tree_checked = true;
            }
        }
        let _ = ids;
        let all_signatures = self
            .tagged
            .iter()
            .all(|t| is_signature_widget(self.new, *t));
        Ok(if all_signatures {
            ModificationLevel::Signing
        } else {
            ModificationLevel::Annotations
        })
    }

    fn root_change(&mut self, a: &Dictionary, b: &Dictionary) -> Result<(), String> {
        for (key, x, y) in super::changed_entries(a, b) {
            match key.as_slice() {
                b"K" => self.kids_appended(x, y)?,
                b"ParentTree" => self.parent_tree(a, b)?,
                b"ParentTreeNextKey" => {
                    let old = x.and_then(|x| x.as_i64().ok()).unwrap_or(0);
                    let new = y.and_then(|y| y.as_i64().ok());
                    if new.is_none_or(|n| n < old) {
                        return Err("the structure parent tree's next key went back".into());
                    }
                }
                _ => {
                    return Err(format!(
                        "the structure tree root entry /{} was changed",
                        String::from_utf8_lossy(&key)
                    ));
                }
            }
        }
        Ok(())
    }

    /// `/K` of a signed element or of the root: the old kids stay first, in order; what
    /// follows are new elements tagging new objects only.
    fn kids_appended(&mut self, old: Option<&Object>, new: Option<&Object>) -> Result<(), String> {
        let as_list = |doc: &Document, o: Option<&Object>| -> Vec<Object> {
            match o {
                None => Vec::new(),
                Some(Object::Array(a)) => a.clone(),
                Some(Object::Reference(r)) => match doc.objects.get(r) {
                    Some(Object::Array(a)) => a.clone(),
                    _ => vec![Object::Reference(*r)],
                },
                Some(other) => vec![other.clone()],
            }
        };
        let a = as_list(self.old, old);
        let b = as_list(self.new, new);
        if b.len() < a.len() || b[..a.len()] != a[..] {
            return Err("kids of a signed structure element were removed or replaced".into());
        }
        for kid in &b[a.len()..] {
            self.new_kid(kid, 0)?;
        }
        Ok(())
    }

    /// A kid added after signing: a new structure element or object reference that tags only
    /// new objects. Marked-content identifiers (integers) and marked-content references would
    /// re-tag signed page content.
    fn new_kid(&mut self, kid: &Object, depth: usize) -> Result<(), String> {
        if depth > 32 || self.tagged.len() > MAX_NODES {
            return Err("the added structure is too deep".into());
        }
        let dict = match kid {
            Object::Reference(r) if self.is_new(*r) => match dict_of(self.new, *r) {
                Some(d) => d,
                None => return Err("an added structure kid is not a dictionary".into()),
            },
            Object::Dictionary(d) => d,
            _ => {
                return Err(
                    "an added structure element tags content that existed when signing".into(),
                );
            }
        };
        if name(dict, b"Type") == Some(b"OBJR".as_slice()) {
            return match dict.get(b"Obj") {
                Ok(Object::Reference(r)) if self.is_new(*r) => {
                    self.tagged.push(*r);
                    Ok(())
                }
                _ => {
                    Err("an added object reference tags an object that existed when signing".into())
                }
            };
        }
        if dict.has(b"MCID") {
            return Err("an added structure element tags signed page content".into());
        }
        match dict.get(b"K") {
            Err(_) => Ok(()),
            Ok(Object::Array(items)) => {
                for item in items {
                    self.new_kid(item, depth + 1)?;
                }
                Ok(())
            }
            Ok(item) => self.new_kid(item, depth + 1),
        }
    }

    /// The parent tree of `b` (new root) keeps every key of `a`'s (old root) with the same
    /// value; added keys map to new elements (or arrays of them) only.
    fn parent_tree(&mut self, a: &Dictionary, b: &Dictionary) -> Result<(), String> {
        let old_tree = a
            .get(b"ParentTree")
            .ok()
            .map(|t| number_tree(self.old, t))
            .unwrap_or_default();
        let Some(new_root) = b.get(b"ParentTree").ok() else {
            return Err("the structure parent tree was removed".into());
        };
        let new_tree = number_tree(self.new, new_root);
        for (k, v) in &old_tree {
            match new_tree.get(k) {
                Some(w) if self.same_value(v, w) => {}
                _ => return Err(format!("the structure parent tree entry {k} was changed")),
            }
        }
        for (k, w) in &new_tree {
            if old_tree.contains_key(k) {
                continue;
            }
            let items: Vec<Object> = match w {
                Object::Reference(r) if self.is_new(*r) => match self.new.objects.get(r) {
                    Some(Object::Array(items)) => items.clone(),
                    _ => vec![(*w).clone()],
                },
                Object::Array(items) => items.clone(),
                other => vec![(*other).clone()],
            };
            for item in items {
                match item {
                    Object::Null => {}
                    Object::Reference(r) if self.is_new(r) => {}
                    _ => {
                        return Err(format!(
                            "the added structure parent tree entry {k} points to signed structure"
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Values of the old and new parent tree: the same reference, or the same array of
    /// references (possibly written as a new object). What the references point to is checked
    /// where it changed (a structure element), or counts as a change of its own.
    fn same_value(&self, v: &Object, w: &Object) -> bool {
        if let (Object::Reference(x), Object::Reference(y)) = (v, w)
            && x == y
        {
            return true;
        }
        match (resolve(self.old, v), resolve(self.new, w)) {
            (Some(Object::Array(a)), Some(Object::Array(b))) => a == b,
            (Some(a), Some(b)) => a == b && !matches!(a, Object::Dictionary(_)),
            _ => false,
        }
    }
}
