-- Schakel reference data, version 1: seeds the reference vocabularies (municipalities,
-- entry routes, age bands, household types, life domains, contact languages, residence
-- status, non-take-up reasons, barrier types, decline reasons, signal themes, follow-up
-- purposes and the rights taxonomy) in Dutch, French and English.
-- These lists are data, not code: they can be edited, extended or deactivated later
-- (active = 0). Records refer to them by stable codes, which must never change meaning.

INSERT INTO municipality (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('21001', 'Anderlecht', 'Anderlecht', 'Anderlecht', 10),
    ('21002', 'Oudergem', 'Auderghem', 'Auderghem', 20),
    ('21003', 'Sint-Agatha-Berchem', 'Berchem-Sainte-Agathe', 'Berchem-Sainte-Agathe', 30),
    ('21004', 'Brussel', 'Bruxelles', 'Brussels (City)', 40),
    ('21005', 'Etterbeek', 'Etterbeek', 'Etterbeek', 50),
    ('21006', 'Evere', 'Evere', 'Evere', 60),
    ('21007', 'Vorst', 'Forest', 'Forest', 70),
    ('21008', 'Ganshoren', 'Ganshoren', 'Ganshoren', 80),
    ('21009', 'Elsene', 'Ixelles', 'Ixelles', 90),
    ('21010', 'Jette', 'Jette', 'Jette', 100),
    ('21011', 'Koekelberg', 'Koekelberg', 'Koekelberg', 110),
    ('21012', 'Sint-Jans-Molenbeek', 'Molenbeek-Saint-Jean', 'Molenbeek-Saint-Jean', 120),
    ('21013', 'Sint-Gillis', 'Saint-Gilles', 'Saint-Gilles', 130),
    ('21014', 'Sint-Joost-ten-Node', 'Saint-Josse-ten-Noode', 'Saint-Josse-ten-Noode', 140),
    ('21015', 'Schaarbeek', 'Schaerbeek', 'Schaerbeek', 150),
    ('21016', 'Ukkel', 'Uccle', 'Uccle', 160),
    ('21017', 'Watermaal-Bosvoorde', 'Watermael-Boitsfort', 'Watermael-Boitsfort', 170),
    ('21018', 'Sint-Lambrechts-Woluwe', 'Woluwe-Saint-Lambert', 'Woluwe-Saint-Lambert', 180),
    ('21019', 'Sint-Pieters-Woluwe', 'Woluwe-Saint-Pierre', 'Woluwe-Saint-Pierre', 190),
    ('elsewhere', 'Elders', 'Ailleurs', 'Elsewhere', 200),
    ('no_fixed_address', 'Zonder vaste verblijfplaats', 'Sans domicile fixe', 'No fixed address', 210);

INSERT INTO entry_route (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('own_initiative', 'Eigen initiatief', 'Initiative propre', 'Own initiative', 10),
    ('proactive', 'Proactief contact', 'Contact proactif', 'Proactive contact', 20),
    ('outreach', 'Outreachend werken', 'Travail de proximité (outreach)', 'Outreach', 30),
    ('partner_referral', 'Doorverwijzing door een partner', 'Orientation par un partenaire', 'Referral by a partner', 40),
    ('vindplaats', 'Vindplaats (bv. school, Huis van het Kind)', 'Lieu de détection (p.ex. école)', 'Place where needs are found (e.g. school)', 50),
    ('other', 'Andere', 'Autre', 'Other', 60);

INSERT INTO age_band (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('under_18', 'Jonger dan 18', 'Moins de 18 ans', 'Under 18', 10),
    ('18_24', '18–24 jaar', '18–24 ans', '18–24 years', 20),
    ('25_34', '25–34 jaar', '25–34 ans', '25–34 years', 30),
    ('35_44', '35–44 jaar', '35–44 ans', '35–44 years', 40),
    ('45_54', '45–54 jaar', '45–54 ans', '45–54 years', 50),
    ('55_64', '55–64 jaar', '55–64 ans', '55–64 years', 60),
    ('65_74', '65–74 jaar', '65–74 ans', '65–74 years', 70),
    ('75_plus', '75 jaar en ouder', '75 ans et plus', '75 years and over', 80),
    ('unknown', 'Onbekend', 'Inconnu', 'Unknown', 90);

INSERT INTO household_type (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('single', 'Alleenstaande', 'Personne isolée', 'Single person', 10),
    ('couple', 'Koppel zonder kinderen', 'Couple sans enfants', 'Couple without children', 20),
    ('single_parent', 'Eenoudergezin', 'Famille monoparentale', 'Single-parent family', 30),
    ('couple_children', 'Koppel met kinderen', 'Couple avec enfants', 'Couple with children', 40),
    ('other', 'Andere', 'Autre', 'Other', 50);

INSERT INTO life_domain (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('income', 'Inkomen', 'Revenus', 'Income', 10),
    ('debts', 'Schulden', 'Dettes', 'Debts', 20),
    ('housing', 'Wonen', 'Logement', 'Housing', 30),
    ('health', 'Gezondheid', 'Santé', 'Health', 40),
    ('mental_health', 'Geestelijke gezondheid', 'Santé mentale', 'Mental health', 50),
    ('work', 'Werk', 'Emploi', 'Work', 60),
    ('education', 'Onderwijs en vorming', 'Enseignement et formation', 'Education and training', 70),
    ('childcare', 'Kinderopvang en opvoeding', 'Accueil et éducation des enfants', 'Childcare and upbringing', 80),
    ('administration', 'Administratie en documenten', 'Administration et documents', 'Administration and documents', 90),
    ('residence', 'Verblijfsstatus', 'Statut de séjour', 'Residence status', 100),
    ('digital', 'Digitale toegang', 'Accès numérique', 'Digital access', 110),
    ('social_network', 'Sociaal netwerk en isolement', 'Réseau social et isolement', 'Social network and isolation', 120),
    ('mobility', 'Mobiliteit', 'Mobilité', 'Mobility', 130),
    ('legal', 'Juridische vragen', 'Questions juridiques', 'Legal matters', 140);

INSERT INTO language (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('nl', 'Nederlands', 'Néerlandais', 'Dutch', 10),
    ('fr', 'Frans', 'Français', 'French', 20),
    ('en', 'Engels', 'Anglais', 'English', 30),
    ('ar', 'Arabisch', 'Arabe', 'Arabic', 40),
    ('tr', 'Turks', 'Turc', 'Turkish', 50),
    ('es', 'Spaans', 'Espagnol', 'Spanish', 60),
    ('pt', 'Portugees', 'Portugais', 'Portuguese', 70),
    ('ro', 'Roemeens', 'Roumain', 'Romanian', 80),
    ('pl', 'Pools', 'Polonais', 'Polish', 90),
    ('bg', 'Bulgaars', 'Bulgare', 'Bulgarian', 100),
    ('uk', 'Oekraïens', 'Ukrainien', 'Ukrainian', 110),
    ('ru', 'Russisch', 'Russe', 'Russian', 120),
    ('other', 'Andere taal', 'Autre langue', 'Other language', 130);

INSERT INTO residence_status (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('belgian_eu', 'Belg of EU-burger', 'Belge ou citoyen de l''UE', 'Belgian or EU citizen', 10),
    ('third_country_permit', 'Derdelander met verblijfsrecht', 'Ressortissant d''un pays tiers avec droit de séjour', 'Third-country national with a residence permit', 20),
    ('international_protection', 'Verzoeker internationale bescherming', 'Demandeur de protection internationale', 'Applicant for international protection', 30),
    ('no_legal_residence', 'Zonder wettig verblijf', 'Sans séjour légal', 'No legal residence', 40),
    ('unknown', 'Onbekend', 'Inconnu', 'Unknown', 50);

INSERT INTO non_take_up_reason (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('unknown_to_person', 'Recht onbekend bij de persoon', 'Droit inconnu de la personne', 'Right unknown to the person', 10),
    ('not_requested', 'Niet aangevraagd (stigma, schaamte)', 'Non demandé (stigmatisation, honte)', 'Not requested (stigma, shame)', 20),
    ('requested_not_obtained', 'Aangevraagd maar niet verkregen', 'Demandé mais non obtenu', 'Requested but not obtained', 30),
    ('not_offered', 'Niet aangeboden door de tussenpersoon', 'Non proposé par l''intermédiaire', 'Not offered by the intermediary', 40),
    ('lost_after_change', 'Verloren na een wijziging van situatie (bv. verhuis)', 'Perdu après un changement de situation (p.ex. déménagement)', 'Lost after a change of situation (e.g. a move)', 50);

INSERT INTO barrier_type (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('knowledge', 'Kenniskloof', 'Fossé de connaissance', 'Knowledge gap', 10),
    ('administrative', 'Administratieve kloof', 'Fossé administratif', 'Administrative gap', 20),
    ('digital', 'Digitale kloof', 'Fracture numérique', 'Digital gap', 30),
    ('trust', 'Vertrouwenskloof', 'Fossé de confiance', 'Trust gap', 40),
    ('cultural', 'Culturele kloof', 'Fossé culturel', 'Cultural gap', 50),
    ('language', 'Taalbarrière', 'Barrière linguistique', 'Language barrier', 60);

INSERT INTO decline_reason (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('outside_mission', 'Valt buiten onze opdracht', 'Hors de notre mission', 'Outside our mission', 10),
    ('capacity', 'Geen capaciteit (wachtlijst)', 'Pas de capacité (liste d''attente)', 'No capacity (waiting list)', 20),
    ('not_competent_territory', 'Niet bevoegd voor deze gemeente', 'Pas compétent pour cette commune', 'Not competent for this municipality', 30),
    ('already_supported', 'Al elders begeleid', 'Déjà accompagné ailleurs', 'Already supported elsewhere', 40),
    ('person_refused', 'Persoon weigert', 'La personne refuse', 'Person refused', 50),
    ('insufficient_information', 'Onvoldoende informatie', 'Informations insuffisantes', 'Insufficient information', 60),
    ('other', 'Andere', 'Autre', 'Other', 70);

INSERT INTO signal_theme (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('conflicting_rules', 'Tegenstrijdige regelgeving', 'Réglementations contradictoires', 'Conflicting rules', 10),
    ('cohabitant_rate', 'Samenwonendenstatuut', 'Statut de cohabitant', 'Cohabitant rate (benefit cut for people living together)', 20),
    ('waiting_lists', 'Wachtlijsten', 'Listes d''attente', 'Waiting lists', 30),
    ('evictions', 'Uithuiszettingen', 'Expulsions de logement', 'Evictions', 40),
    ('digital_only', 'Enkel digitale procedures', 'Procédures uniquement numériques', 'Digital-only procedures', 50),
    ('non_take_up', 'Niet-opname van rechten', 'Non-recours aux droits', 'Rights not taken up', 60),
    ('accessibility', 'Moeilijk bereikbare diensten', 'Services difficilement accessibles', 'Services hard to reach', 70),
    ('other', 'Andere', 'Autre', 'Other', 80);

INSERT INTO follow_up_purpose (code, name_nl, name_fr, name_en, sort_order) VALUES
    ('call_back', 'Terugbellen', 'Rappeler', 'Call back', 10),
    ('check_referral', 'Nagaan of de doorverwijzing aangekomen is', 'Vérifier que l''orientation est arrivée', 'Check that the referral arrived', 20),
    ('document_deadline', 'Termijn voor documenten', 'Échéance pour des documents', 'Document deadline', 30),
    ('rights_recheck', 'Rechten opnieuw nagaan', 'Revérifier les droits', 'Re-check rights', 40),
    ('appointment', 'Afspraak', 'Rendez-vous', 'Appointment', 50),
    ('other', 'Andere', 'Autre', 'Other', 60);

INSERT INTO right_kind (code, name_nl, name_fr, name_en, level, granted_by, sort_order) VALUES
    ('leefloon', 'Leefloon', 'Revenu d''intégration', 'Social integration income (leefloon)', 'federal', 'OCMW', 10),
    ('equivalent_leefloon', 'Equivalent leefloon', 'Aide sociale équivalente au revenu d''intégration', 'Equivalent social assistance', 'local', 'OCMW', 20),
    ('additional_aid', 'Aanvullende financiële hulp', 'Aide financière complémentaire', 'Additional financial aid', 'local', 'OCMW', 30),
    ('igo', 'Inkomensgarantie voor ouderen (IGO)', 'Garantie de revenus aux personnes âgées (GRAPA)', 'Income guarantee for older people (IGO/GRAPA)', 'federal', 'Federale Pensioendienst', 40),
    ('disability_allowance', 'Inkomensvervangende en integratietegemoetkoming', 'Allocation de remplacement de revenus et d''intégration', 'Income replacement and integration allowance (disability)', 'federal', 'FOD Sociale Zekerheid', 50),
    ('increased_reimbursement', 'Verhoogde tegemoetkoming', 'Intervention majorée', 'Increased reimbursement of health care costs', 'federal', 'ziekenfonds', 60),
    ('maximum_billing', 'Maximumfactuur', 'Maximum à facturer', 'Maximum billing (cap on health care costs)', 'federal', 'ziekenfonds', 70),
    ('urgent_medical_aid', 'Dringende medische hulp', 'Aide médicale urgente', 'Urgent medical aid', 'local', 'OCMW', 80),
    ('care_budget_severe', 'Zorgbudget voor zwaar zorgbehoevenden', 'Budget de soins pour personnes lourdement dépendantes', 'Care budget for people with severe care needs', 'flemish', 'zorgkas', 90),
    ('care_budget_elderly', 'Zorgbudget voor ouderen met een zorgnood', 'Budget de soins pour personnes âgées en besoin de soins', 'Care budget for older people in need of care', 'flemish', 'zorgkas', 100),
    ('care_budget_disability', 'Zorgbudget voor mensen met een handicap', 'Budget de soins pour personnes handicapées', 'Care budget for people with a disability', 'flemish', 'VAPH / zorgkas', 110),
    ('elderly_allowance_brussels', 'Tegemoetkoming voor hulp aan bejaarden', 'Allocation pour l''aide aux personnes âgées', 'Allowance for assistance to older people (Brussels)', 'brussels', 'Iriscare', 120),
    ('groeipakket_social', 'Groeipakket: sociale toeslag', 'Groeipakket : supplément social', 'Growth package (Groeipakket): social supplement', 'flemish', 'Groeipakket-uitbetaler', 130),
    ('groeipakket_school', 'Groeipakket: schooltoeslag', 'Groeipakket : allocation scolaire', 'Growth package (Groeipakket): school allowance', 'flemish', 'Groeipakket-uitbetaler', 140),
    ('family_allowance_brussels_social', 'Sociale toeslag kinderbijslag (Brussel)', 'Supplément social allocations familiales (Bruxelles)', 'Family allowance social supplement (Brussels)', 'brussels', 'Famiris', 150),
    ('study_grant', 'Studietoelage', 'Allocation d''études', 'Study grant', 'flemish', 'Vlaamse overheid', 160),
    ('social_housing_flanders', 'Sociale huurwoning (Vlaanderen)', 'Logement social (Flandre)', 'Social housing (Flanders)', 'flemish', 'woonmaatschappij', 170),
    ('social_housing_brussels', 'Sociale woning (Brussel)', 'Logement social (Bruxelles)', 'Social housing (Brussels)', 'brussels', 'BGHM', 180),
    ('rent_premium_flanders', 'Vlaamse huurpremie', 'Prime locative flamande', 'Flemish rent premium', 'flemish', 'Wonen in Vlaanderen', 190),
    ('rent_subsidy_flanders', 'Vlaamse huursubsidie', 'Allocation de loyer flamande', 'Flemish rent subsidy', 'flemish', 'Wonen in Vlaanderen', 200),
    ('rent_allowance_brussels', 'Brusselse huurtoelage', 'Allocation loyer bruxelloise', 'Brussels rent allowance', 'brussels', 'Brussels Gewest', 210),
    ('social_energy_tariff', 'Sociaal tarief voor energie', 'Tarif social pour l''énergie', 'Social energy tariff', 'federal', 'energieleverancier', 220),
    ('protected_customer_brussels', 'Beschermde afnemer energie (Brussel)', 'Client protégé énergie (Bruxelles)', 'Protected energy customer (Brussels)', 'brussels', 'Brugel/leverancier', 230),
    ('legal_aid', 'Juridische tweedelijnsbijstand (pro deo)', 'Aide juridique de deuxième ligne (pro deo)', 'Second-line legal aid (pro deo)', 'federal', 'bureau voor juridische bijstand', 240),
    ('debt_mediation', 'Schuldbemiddeling en collectieve schuldenregeling', 'Médiation de dettes et règlement collectif de dettes', 'Debt mediation and collective debt settlement', 'federal', 'erkende schuldbemiddelaar / arbeidsrechtbank', 250);
