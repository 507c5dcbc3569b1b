-- Version 7: which accounts came from their own export. An account whose posts or audience
-- rows an import of its own export brought (an X archive, a Page export, …) is the
-- organisation's official account unless the profile says it is a member of staff's (or
-- not official); sync_profile reads this column. Existing stores: the imports of those
-- sources so far.
ALTER TABLE accounts ADD COLUMN own_export BOOLEAN DEFAULT FALSE;
UPDATE accounts SET own_export = TRUE WHERE account_id IN (
    SELECT p.account_id FROM posts p JOIN imports i ON i.import_id IN (p.import_id, p.first_import_id)
    WHERE i.source IN ('x_archive', 'mastodon_archive', 'mastodon_api', 'bluesky_car', 'bluesky_api',
                       'meta_facebook_page', 'meta_facebook_posts', 'meta_instagram_posts',
                       'linkedin_page', 'youtube_studio', 'canonical_csv', 'twcs_csv')
    UNION
    SELECT a.account_id FROM audience_daily a JOIN imports i ON i.import_id IN (a.import_id, a.first_import_id)
    WHERE i.source IN ('x_archive', 'mastodon_archive', 'mastodon_api', 'bluesky_car', 'bluesky_api',
                       'meta_facebook_page', 'meta_facebook_posts', 'meta_instagram_posts',
                       'linkedin_page', 'youtube_studio', 'canonical_csv', 'twcs_csv')
);
