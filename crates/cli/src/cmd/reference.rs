//! `schakel partners …`, `schakel projects …`, `schakel vocab`.

use std::path::Path;

use schakel_core::partners::{NewPartner, NewProject};
use schakel_core::reference::Vocab;
use serde_json::json;

use crate::args::{PartnersCmd, ProjectsCmd};
use crate::exit::{CliError, CliResult};
use crate::out::{Out, date};

pub fn partners(path: &Path, c: PartnersCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    match c {
        PartnersCmd::List => {
            let list = store.partners()?;
            o.emit(&list, |list| {
                for p in list {
                    println!("{}  {:<5}  {}", p.id, p.kind.as_str(), p.name);
                }
            });
        }
        PartnersCmd::Add { kind, name, municipality, id } => {
            let id = id.map(|i| super::uuid_arg("id", &i)).transpose()?;
            let p = NewPartner { id, kind: Some(super::store::kind(kind)), name, municipality };
            let id = store.write(|w| w.add_partner(&p))?;
            o.emit(&json!({"id": id}), |_| println!("Partner {id} added."));
        }
        PartnersCmd::Card { out } => super::identity::card(&mut store, out.as_deref(), o)?,
        PartnersCmd::Pin { file, words } => super::identity::pin(&mut store, &file, words.as_deref(), o)?,
        PartnersCmd::RotateKey => super::identity::rotate(&mut store, o)?,
        PartnersCmd::Revoke { partner } => super::identity::revoke(&mut store, &partner, o)?,
        PartnersCmd::Keys => super::identity::keys(&store, o)?,
    }
    Ok(())
}

pub fn projects(path: &Path, c: ProjectsCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    match c {
        ProjectsCmd::List => {
            let list = store.projects()?;
            o.emit(&list, |list| {
                for p in list {
                    println!("{:<12} {}  {} – {}", p.code, p.name, date(Some(p.starts_on)), date(p.ends_on));
                }
            });
        }
        ProjectsCmd::Add { code, name, from, to } => {
            let p = NewProject {
                id: None,
                code,
                name,
                starts_on: schakel_core::dates::parse_date("from", &from)?,
                ends_on: to.map(|t| schakel_core::dates::parse_date("to", &t)).transpose()?,
            };
            let id = store.write(|w| w.add_project(&p))?;
            o.emit(&json!({"id": id}), |_| println!("Project {} added.", p.code));
        }
    }
    Ok(())
}

pub fn vocab(path: &Path, name: Option<&str>, o: Out) -> CliResult {
    let store = super::open(path)?;
    match name {
        None => {
            let names: Vec<&str> = Vocab::ALL.iter().map(|v| v.table()).collect();
            o.emit(&names, |names| {
                for n in names {
                    println!("{n}");
                }
            });
        }
        Some(n) => {
            let v = Vocab::from_name(n)
                .ok_or_else(|| CliError::Input(format!("no list '{n}'; run `schakel vocab`")))?;
            let terms = store.vocabularies().terms(v);
            o.emit(&terms, |terms| {
                for t in terms.iter() {
                    println!("{:<28} {}  /  {}", t.code, t.name_nl, t.name_fr);
                }
            });
        }
    }
    Ok(())
}
