//! Network: the partners, workers and projects the simulated cases run through, found
//! in the store or added to it.

use chrono::NaiveDate;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::DemoSummary;
use super::random::{add_days, ms_at, ymd};
use super::tables::{NETWORK, OWN_CASE_WEIGHT, OWN_DEMO_WORKERS, PROJECTS, Weighted};
use crate::error::Result;
use crate::ids::id_at;
use crate::partners::{NewPartner, NewProject, PartnerKind};
use crate::store::{Store, Writer};

pub(super) struct Member {
    pub(super) id: Uuid,
    pub(super) kind: PartnerKind,
    pub(super) municipality: Option<String>,
    pub(super) workers: Vec<Uuid>,
    pub(super) case_weight: u32,
    pub(super) speed: f64,
    pub(super) area: &'static Weighted<&'static str>,
}

pub(super) struct ProjectSpan {
    pub(super) code: &'static str,
    pub(super) starts: NaiveDate,
    pub(super) ends: Option<NaiveDate>,
}

impl ProjectSpan {
    pub(super) fn covers(&self, d: NaiveDate) -> bool {
        d >= self.starts && self.ends.is_none_or(|e| d <= e)
    }
}

pub(super) struct Net {
    /// The store's own partner first, then [`NETWORK`] in order.
    pub(super) members: Vec<Member>,
    pub(super) projects: Vec<ProjectSpan>,
}

pub(super) fn setup_network(
    store: &mut Store,
    rng: &mut ChaCha8Rng,
    start: NaiveDate,
    sum: &mut DemoSummary,
) -> Result<Net> {
    let own_id = store.self_partner_id()?;
    let partners = store.partners()?;
    let workers = store.workers()?;
    let projects = store.projects()?;
    let t0 = ms_at(add_days(start, -30), 8 * 60);
    store.write(|w| {
        w.audit_summary(
            crate::audit::AuditAction::Import,
            serde_json::json!({"source": "demo", "what": "network"}),
        )?;
        let own = partners.iter().find(|p| p.id == own_id);
        let own_name = own.map_or("eigen partner", |p| p.name.as_str());
        let mut members = vec![Member {
            id: own_id,
            kind: own.map_or(PartnerKind::Ocmw, |p| p.kind),
            municipality: own.and_then(|p| p.municipality.clone()),
            workers: workers.iter().filter(|x| x.partner_id == own_id).map(|x| x.id).collect(),
            case_weight: OWN_CASE_WEIGHT,
            speed: 1.0,
            area: &[],
        }];
        let mut add_workers = |w: &mut Writer<'_>, m: &mut Member, name: &str, n: u32| -> Result<()> {
            for i in 1..=n {
                let display = format!("Medewerker {name} {i}");
                let exists = workers.iter().any(|x| x.partner_id == m.id && x.display_name == display);
                if !exists {
                    m.workers.push(w.add_worker(m.id, &display)?);
                    sum.workers += 1;
                }
            }
            Ok(())
        };
        add_workers(w, &mut members[0], own_name, OWN_DEMO_WORKERS)?;
        for def in NETWORK {
            let found = partners.iter().find(|p| p.name.eq_ignore_ascii_case(def.name));
            if found.is_some_and(|p| p.id == own_id) {
                // The store belongs to this partner: it is already member 0.
                members[0].case_weight = def.case_weight.max(OWN_CASE_WEIGHT);
                members[0].area = def.area;
                continue;
            }
            let (id, kind, municipality) = match found {
                Some(p) => (p.id, p.kind, p.municipality.clone()),
                None => {
                    let id = id_at(t0, rng);
                    w.add_partner(&NewPartner {
                        id: Some(id),
                        kind: Some(def.kind),
                        name: def.name.to_owned(),
                        municipality: def.municipality.map(str::to_owned),
                    })?;
                    sum.partners += 1;
                    (id, def.kind, def.municipality.map(str::to_owned))
                }
            };
            let mut m = Member {
                id,
                kind,
                municipality,
                workers: workers.iter().filter(|x| x.partner_id == id).map(|x| x.id).collect(),
                case_weight: def.case_weight,
                speed: def.speed,
                area: def.area,
            };
            add_workers(w, &mut m, def.name, def.workers)?;
            members.push(m);
        }
        let mut spans = Vec::new();
        for def in PROJECTS {
            let span = match projects.iter().find(|p| p.code == def.code) {
                Some(p) => ProjectSpan { code: def.code, starts: p.starts_on, ends: p.ends_on },
                None => {
                    let starts = ymd(def.starts);
                    let ends = def.ends.map(ymd);
                    w.add_project(&NewProject {
                        id: Some(id_at(ms_at(starts, 8 * 60), rng)),
                        code: def.code.to_owned(),
                        name: def.name.to_owned(),
                        starts_on: starts,
                        ends_on: ends,
                    })?;
                    sum.projects += 1;
                    ProjectSpan { code: def.code, starts, ends }
                }
            };
            spans.push(span);
        }
        Ok(Net { members, projects: spans })
    })
}
