-- An entry can concern a second record besides its target: a membership
-- change is logged on the user and also belongs in the group's history.
ALTER TABLE activity ADD COLUMN related_kind TEXT;
ALTER TABLE activity ADD COLUMN related_uid TEXT;
UPDATE activity
SET related_kind = 'group',
    related_uid = coalesce(json_extract(after, '$.groupId'), json_extract(before, '$.groupId'))
WHERE action IN ('group.member_added', 'group.member_removed');
CREATE INDEX activity_by_related ON activity (related_kind, related_uid, id) WHERE related_uid IS NOT NULL;
