-- apterm store, migration 30: the items England's AP census asks for that
-- the store did not hold (../shared/INTERCHANGE.md §9.1). On the pupil: the
-- unique learner number (10 digits, given from age 14), middle names and the
-- DfE ethnicity code; on the placement: the AP type of setting (for a
-- provider with neither URN nor UKPRN) and the primary reason for placement.
-- '' means not recorded yet; the allowed codes are db/labels.c's tables
-- (LABELS_ETHNICITY, LABELS_CENSUS_SETTING, LABELS_CENSUS_REASON), checked
-- by pupil_validate and placement_validate. New columns of existing tables,
-- so the audit triggers (remade after every upgrade) cover them.
ALTER TABLE pupil ADD COLUMN uln TEXT NOT NULL DEFAULT ''
    CHECK (uln = '' OR (length(uln) = 10 AND uln NOT GLOB '*[^0-9]*'));
ALTER TABLE pupil ADD COLUMN middle_names TEXT NOT NULL DEFAULT '';
ALTER TABLE pupil ADD COLUMN ethnicity TEXT NOT NULL DEFAULT '' CHECK (length(ethnicity) IN (0, 4));
ALTER TABLE placement ADD COLUMN setting_type TEXT NOT NULL DEFAULT ''
    CHECK (setting_type IN ('', 'NFE', 'OOT', 'OTH', 'WBP'));
ALTER TABLE placement ADD COLUMN census_reason TEXT NOT NULL DEFAULT '';
