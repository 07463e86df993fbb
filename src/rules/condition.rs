//! Sigma's `condition` expressions: selection names joined by `and`, `or`, `not`,
//! parentheses, and `1 of <pattern>` / `all of <pattern>` / `1 of them` / `all of them`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    Sel(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    /// The same condition over selections numbered from `offset` on.
    pub fn shifted(self, offset: usize) -> Cond {
        match self {
            Cond::Sel(i) => Cond::Sel(i + offset),
            Cond::Not(inner) => Cond::Not(Box::new(inner.shifted(offset))),
            Cond::And(items) => Cond::And(items.into_iter().map(|c| c.shifted(offset)).collect()),
            Cond::Or(items) => Cond::Or(items.into_iter().map(|c| c.shifted(offset)).collect()),
        }
    }
}

/// Parses `text` against the selection names (in declaration order).
pub fn parse(text: &str, names: &[String]) -> Result<Cond, String> {
    if text.contains('|') {
        return Err("aggregations (`| count() ...`) are not supported".into());
    }
    let tokens = tokenize(text);
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        names,
    };
    let cond = p.or()?;
    match p.tokens.get(p.pos) {
        None => Ok(cond),
        Some(t) => Err(format!("unexpected `{t}` in condition `{text}`")),
    }
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c == '(' || c == ')' || c.is_whitespace() {
            if !word.is_empty() {
                tokens.push(std::mem::take(&mut word));
            }
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push(word);
    }
    tokens
}

struct Parser<'a> {
    tokens: &'a [String],
    pos: usize,
    names: &'a [String],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn next(&mut self) -> Option<&str> {
        let t = self.tokens.get(self.pos).map(String::as_str);
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.and()?];
        while self.peek().is_some_and(|t| t.eq_ignore_ascii_case("or")) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }

    fn and(&mut self) -> Result<Cond, String> {
        let mut items = vec![self.not()?];
        while self.peek().is_some_and(|t| t.eq_ignore_ascii_case("and")) {
            self.pos += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }

    fn not(&mut self) -> Result<Cond, String> {
        if self.peek().is_some_and(|t| t.eq_ignore_ascii_case("not")) {
            self.pos += 1;
            return Ok(Cond::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Cond, String> {
        let names = self.names;
        let token = self.next().ok_or("the condition ends early")?.to_owned();
        if token == "(" {
            let inner = self.or()?;
            return match self.next() {
                Some(")") => Ok(inner),
                _ => Err("missing `)` in condition".into()),
            };
        }
        let quantifier = token.to_ascii_lowercase();
        if matches!(quantifier.as_str(), "1" | "any" | "all")
            && self.peek().is_some_and(|t| t.eq_ignore_ascii_case("of"))
        {
            self.pos += 1;
            let target = self
                .next()
                .ok_or("`of` needs a selection pattern or `them`")?;
            let picked: Vec<Cond> = names
                .iter()
                .enumerate()
                .filter(|(_, n)| {
                    if target.eq_ignore_ascii_case("them") {
                        // Sigma: `them` excludes selections whose name starts with `_`.
                        !n.starts_with('_')
                    } else {
                        wildcard(target, n)
                    }
                })
                .map(|(i, _)| Cond::Sel(i))
                .collect();
            if picked.is_empty() {
                return Err(format!("`{target}` names no selection"));
            }
            return Ok(if quantifier == "all" {
                Cond::And(picked)
            } else {
                Cond::Or(picked)
            });
        }
        names
            .iter()
            .position(|n| *n == token)
            .map(Cond::Sel)
            .ok_or_else(|| format!("the condition names `{token}`, which is not a selection"))
    }
}

/// Selection-name patterns: `*` matches any run of characters.
fn wildcard(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => name.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len())
                .filter(|i| rest.is_char_boundary(*i))
                .any(|i| wildcard(tail, &rest[i..]))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn precedence_and_groups() {
        let n = names(&["a", "b", "c"]);
        assert_eq!(
            parse("a or b and not c", &n),
            Ok(Cond::Or(vec![
                Cond::Sel(0),
                Cond::And(vec![Cond::Sel(1), Cond::Not(Box::new(Cond::Sel(2)))])
            ]))
        );
        assert_eq!(
            parse("(a or b) and c", &n),
            Ok(Cond::And(vec![
                Cond::Or(vec![Cond::Sel(0), Cond::Sel(1)]),
                Cond::Sel(2)
            ]))
        );
    }

    #[test]
    fn quantifiers() {
        let n = names(&["selection", "filter_main_a", "filter_main_b", "_hidden"]);
        assert_eq!(
            parse("selection and not 1 of filter_main_*", &n),
            Ok(Cond::And(vec![
                Cond::Sel(0),
                Cond::Not(Box::new(Cond::Or(vec![Cond::Sel(1), Cond::Sel(2)])))
            ]))
        );
        assert_eq!(
            parse("all of them", &n),
            Ok(Cond::And(vec![Cond::Sel(0), Cond::Sel(1), Cond::Sel(2)]))
        );
        assert_eq!(
            parse("1 of filter*", &n),
            Ok(Cond::Or(vec![Cond::Sel(1), Cond::Sel(2)]))
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let n = names(&["a"]);
        assert!(parse("a and b", &n).unwrap_err().contains("`b`"));
        assert!(parse("(a", &n).is_err());
        assert!(parse("a |count() > 5", &n).is_err());
        assert!(parse("1 of x*", &n).is_err());
        assert!(parse("", &n).is_err());
        assert!(parse("a a", &n).is_err());
    }

    #[test]
    fn name_wildcards() {
        assert!(wildcard("sel*", "selection"));
        assert!(wildcard("*tion", "selection"));
        assert!(wildcard("s*l*n", "selection"));
        assert!(!wildcard("filter*", "selection"));
    }
}
