-- Mistakes planted into `kesra demo --households 60 --seed 7` (a clean
-- register) for tests/cli/quality.sh: one kind of mistake per family, so
-- that every finding kesra validate reports is one this file planted.
-- Helper: the member of family P with relationship R (first by ord).
-- Household field checks.
UPDATE household SET head_name = NULL, status = 'draft' WHERE id = 1; -- required
UPDATE household SET rt = 1000 WHERE id = 2;                       -- range
UPDATE household SET sls_code = '12a4' WHERE id = 3;               -- pattern
UPDATE household SET enum_date = '2099-01-01', check_date = NULL WHERE id = 4; -- constraint
UPDATE household SET check_date = date(enum_date, '-3 days') WHERE id = 5; -- check_after_enumeration
UPDATE household SET floor_per_capita = 1.5 WHERE id = 6;          -- floor_area_per_person
UPDATE household SET electricity_subsidy = 1, lighting = 4, power = NULL WHERE id = 7; -- electricity_subsidy_needs_meter
UPDATE household SET decile = 1, car = 1 WHERE id = 8;             -- decile1_assets
UPDATE household SET kk_number = '9699' || substr(kk_number, 5) WHERE id = 9; -- kk_region_known
UPDATE household SET village = substr(village, 1, 9) || '9999' WHERE id = 10; -- region (unknown)
UPDATE household SET village = '96.02.01.1002' WHERE id = 11;      -- region (not inside)
UPDATE household SET family_status = 7 WHERE id = 12;              -- value_set
-- KK number used by two families (written past kesra, index gone).
DROP INDEX household_kk_number_unique;
UPDATE household SET kk_number = (SELECT kk_number FROM household WHERE id = 14) WHERE id = 13;
-- A family without members (min_count).
UPDATE member SET deleted_at = '2024-01-01 00:00:00' WHERE parent_id = 15;
-- A family with 52 rows (max_count): 50 more who moved away.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO member (uuid, parent_id, status, rev, created_at, ord, row_no, name,
    presence, present, relationship, sex, birth_date)
SELECT lower(hex(randomblob(16))), 17, 'complete', 1, '2024-01-01', 100 + i,
    CASE WHEN i <= 48 THEN i + 2 ELSE 50 END,
    'Pindah ' || char(65 + i % 26) || char(65 + i / 26), 3, 0, 8, 1, '1990-01-01'
FROM n;
UPDATE household SET members = 2 WHERE id = 17;
-- Member rules, one family each.
UPDATE member SET age = 12 WHERE parent_id = 18 AND relationship = 1;          -- head_age
UPDATE member SET pregnant = 1 WHERE parent_id = 19 AND relationship = 1;      -- pregnant_women_10_54
UPDATE member SET breastfeeding = 1 WHERE parent_id = 20 AND relationship = 1; -- breastfeeding_women_10_54
UPDATE member SET nutrition = 4 WHERE parent_id = 21 AND relationship = 1;     -- nutrition_under_five
UPDATE member SET marital_status = 1 WHERE parent_id = 22 AND relationship = 2; -- spouse_married
UPDATE member SET marital_status = 2 WHERE parent_id = 23 AND relationship = 3 AND age = 6; -- marital_age
UPDATE member SET age = 101 WHERE parent_id = 24 AND relationship = 1;         -- age_plausible
UPDATE member SET birth_date = date(birth_date, '+1 day') WHERE parent_id = 26 AND relationship = 1; -- nik_birth_date
UPDATE member SET nik = substr(nik, 1, 6) || printf('%02d', CAST(substr(nik, 7, 2) AS INTEGER) + 40) || substr(nik, 9)
    WHERE parent_id = 27 AND relationship = 3 AND sex = 1; -- nik_sex
UPDATE member SET nik = '969999' || substr(nik, 7) WHERE parent_id = 30 AND relationship = 1; -- nik_region_known
UPDATE member SET id_docs = '0 1' WHERE parent_id = 31 AND relationship = 1;   -- id_none_alone
UPDATE member SET id_docs = '1 4 8' WHERE parent_id = 29 AND age = 13;         -- ktp_age
UPDATE member SET id_docs = '2 4 8' WHERE parent_id = 32 AND relationship = 1; -- kia_age
UPDATE member SET edu_level = 3, grade = 7, diploma = 3 WHERE parent_id = 33 AND relationship = 1; -- grade_fits_level
UPDATE member SET edu_level = 3, grade = 8, diploma = 13 WHERE parent_id = 34 AND relationship = 1; -- diploma_not_above_level
UPDATE member SET edu_level = 19, grade = 8, diploma = 19 WHERE parent_id = 38 AND age = 18; -- degree_age
UPDATE member SET work_status = 5 WHERE parent_id = 38 AND age = 10;           -- civil_servant_age
UPDATE member SET work_hours = 90 WHERE parent_id = 39 AND relationship = 1;   -- work_hours_plausible
UPDATE member SET health_insurance = '0 1' WHERE parent_id = 40 AND relationship = 1; -- insurance_none_alone
UPDATE member SET edu_level = 23 WHERE parent_id = 41 AND relationship = 1;    -- choice_filter
-- Roster rules.
UPDATE member SET relationship = 1 WHERE parent_id = 42 AND relationship = 2;  -- one_head (+ head_age? no)
UPDATE household SET members = 3 WHERE id = 43;                                -- count_matches
UPDATE member SET row_no = 1 WHERE parent_id = 44 AND row_no = 2;              -- row_numbers_unique
UPDATE member SET age = 99 WHERE parent_id = 45 AND relationship = 3 AND age = 18; -- children_younger_than_head
UPDATE member SET relationship = 6 WHERE parent_id = 48 AND relationship = 3;  -- parents_older_than_head
UPDATE member SET sex = 1 WHERE parent_id = 47 AND relationship = 2;           -- spouse_opposite_sex
UPDATE member SET marital_status = 1 WHERE parent_id = 52 AND relationship = 1; -- head_married_if_spouse
UPDATE household SET head_name = 'Orang Lain' WHERE id = 53;                   -- head_name_matches
-- Member field checks.
UPDATE member SET birth_date = '2020-02-31' WHERE parent_id = 55 AND relationship = 3; -- type
UPDATE member SET sex = 7 WHERE parent_id = 56 AND relationship = 3;           -- value_set
UPDATE member SET sex = NULL WHERE parent_id = 57 AND relationship = 5;        -- required
-- The same person entered twice (name written differently) in two families.
UPDATE member SET name = upper((SELECT name FROM member WHERE parent_id = 49 AND relationship = 5)) || '.',
    birth_date = (SELECT birth_date FROM member WHERE parent_id = 49 AND relationship = 5),
    nik = NULL, presence = 6, present = 0
    WHERE parent_id = 50 AND relationship = 1;
-- One NIK in two families (written past kesra, index gone).
DROP INDEX member_nik_unique;
UPDATE member SET nik = (SELECT nik FROM member WHERE parent_id = 59 AND relationship = 2)
    WHERE parent_id = 58 AND relationship = 1;
-- An accepted warning (floor area) is listed as accepted.
UPDATE household SET floor_per_capita = 1.0 WHERE id = 60;
INSERT INTO kesra_accept (record, record_id, rule, reason, accepted_by, accepted_at)
VALUES ('household', 60, 'floor_area_per_person', 'rumah panggung kecil', 'test', '2024-01-01');
