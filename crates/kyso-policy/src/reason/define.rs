//! The macros that turn the catalog's entries into [`Msg`](super::Msg), [`Term`](super::Term)
//! and the tables [`MESSAGES`](super::catalog::MESSAGES) and [`TERMS`](super::catalog::TERMS).

/// `Name { params }: Severity "CODE" vi: "…" en: "…";` entries → the [`Msg`](super::Msg) enum,
/// whose variants take each named parameter (a missing one does not compile, nor does a template
/// naming an undeclared one), its `reason()` and the [`MESSAGES`](super::catalog::MESSAGES) table.
macro_rules! messages {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident { $($p:ident),* $(,)? }: $severity:ident $code:literal
            vi: $vi:literal
            en: $en:literal;
    )*) => {
        /// A catalogued message: one variant per text, each with its named parameters. Make
        /// the [`Reason`](crate::reason::Reason) with [`Msg::reason`].
        #[derive(Clone, Copy)]
        pub enum Msg<'a> {
            $(
                $(#[doc = $doc])*
                #[doc = ""]
                #[doc = concat!("Code `", $code, "`, ", stringify!($severity), ".")]
                $name {
                    $(
                        #[doc = concat!("`{", stringify!($p), "}` in the texts.")]
                        $p: &'a dyn $crate::reason::Param,
                    )*
                },
            )*
        }

        impl Msg<'_> {
            /// The finding, with both texts filled in.
            pub fn reason(self) -> $crate::reason::Reason {
                match self {
                    $(
                        Msg::$name { $($p),* } => {
                            #[allow(unused_variables)]
                            let vi = {
                                $(let $p = $crate::reason::params::Vi($p);)*
                                format!($vi)
                            };
                            #[allow(unused_variables)]
                            let en = {
                                $(let $p = $crate::reason::params::En($p);)*
                                format!($en)
                            };
                            $crate::reason::Reason::new($code, $crate::reason::Severity::$severity, vi, en)
                        }
                    )*
                }
            }
        }

        /// Every catalogued message: variant name, code, severity, parameters and both
        /// templates.
        pub const MESSAGES: &[$crate::reason::Entry] = &[
            $(
                $crate::reason::Entry {
                    name: stringify!($name),
                    code: $code,
                    severity: $crate::reason::Severity::$severity,
                    params: &[$(stringify!($p)),*],
                    vi: $vi,
                    en: $en,
                },
            )*
        ];
    };
}

/// `Name: "vi", "en";` entries → the [`Term`](super::Term) enum (words and phrases a message
/// is filled with) and the [`TERMS`](super::catalog::TERMS) table.
macro_rules! terms {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident: $vi:literal, $en:literal;
    )*) => {
        /// A catalogued word or phrase that fills a message's parameter, in both languages.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Term {
            $(
                $(#[doc = $doc])*
                $name,
            )*
        }

        impl Term {
            /// The Vietnamese.
            pub fn vi(self) -> &'static str {
                match self {
                    $(Term::$name => $vi,)*
                }
            }

            /// The English.
            pub fn en(self) -> &'static str {
                match self {
                    $(Term::$name => $en,)*
                }
            }
        }

        /// Every catalogued term: variant name, Vietnamese, English.
        pub const TERMS: &[(&str, &str, &str)] = &[$((stringify!($name), $vi, $en)),*];
    };
}

pub(super) use {messages, terms};
