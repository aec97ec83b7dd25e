/// The versioned schema and its forward migrations.
///
/// `PRAGMA user_version` holds the number of migrations applied. Each migration runs in its
/// own write transaction, so a crash mid-way leaves the store at the previous version, and two
/// processes starting at once apply each migration once.
enum Schema {
    /// The migrations in order; never edit one that has shipped, append a new one.
    static let migrations: [String] = [
        // 1: accounts, devices, policies, audit log.
        """
        CREATE TABLE domains (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created INTEGER NOT NULL
        );
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
            address TEXT NOT NULL UNIQUE,
            password_hash TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL
        );
        CREATE INDEX users_by_domain ON users(domain_id);
        CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            secret_selector TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            created INTEGER NOT NULL,
            last_seen INTEGER,
            client TEXT
        );
        CREATE INDEX devices_by_user ON devices(user_id, secret_selector);
        CREATE TABLE policies (
            id INTEGER PRIMARY KEY,
            level TEXT NOT NULL CHECK (level IN ('server', 'domain', 'user', 'device')),
            domain_id INTEGER REFERENCES domains(id) ON DELETE CASCADE,
            user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
            device_id TEXT REFERENCES devices(id) ON DELETE CASCADE,
            setting TEXT NOT NULL,
            value TEXT NOT NULL,
            CHECK ((domain_id IS NOT NULL) + (user_id IS NOT NULL) + (device_id IS NOT NULL)
                   = (level != 'server'))
        );
        CREATE UNIQUE INDEX policies_by_scope ON policies(
            level, ifnull(domain_id, 0), ifnull(user_id, 0), ifnull(device_id, ''), setting);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL,
            old_value TEXT,
            new_value TEXT
        );
        """,
        // 2: mail. Messages are indexed by mailbox and internal date so that a device's window
        // is a range lookup, and by modseq so that changes since a sync are one too. Message
        // bytes live in `blobs`, shared by copies; parsed ENVELOPE and BODYSTRUCTURE are kept
        // with each message so FETCH never parses.
        """
        CREATE TABLE mailboxes (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            uid_validity INTEGER NOT NULL,
            uid_next INTEGER NOT NULL DEFAULT 1,
            highest_modseq INTEGER NOT NULL DEFAULT 1,
            special_use TEXT,
            created INTEGER NOT NULL,
            UNIQUE (user_id, name)
        );
        CREATE TABLE subscriptions (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            PRIMARY KEY (user_id, name)
        );
        CREATE TABLE blobs (
            id INTEGER PRIMARY KEY,
            data BLOB NOT NULL
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            internal_date INTEGER NOT NULL,
            size INTEGER NOT NULL,
            flags TEXT NOT NULL DEFAULT '',
            modseq INTEGER NOT NULL,
            blob_id INTEGER NOT NULL REFERENCES blobs(id),
            envelope TEXT NOT NULL,
            body_structure TEXT NOT NULL,
            body TEXT NOT NULL,
            import_key TEXT,
            UNIQUE (mailbox_id, uid)
        );
        CREATE INDEX messages_by_date ON messages(mailbox_id, internal_date);
        CREATE INDEX messages_by_modseq ON messages(mailbox_id, modseq);
        CREATE INDEX messages_by_blob ON messages(blob_id);
        CREATE UNIQUE INDEX messages_by_import_key ON messages(mailbox_id, import_key)
            WHERE import_key IS NOT NULL;
        CREATE TRIGGER blobs_unreferenced AFTER DELETE ON messages
        WHEN NOT EXISTS (SELECT 1 FROM messages WHERE blob_id = old.blob_id)
        BEGIN
            DELETE FROM blobs WHERE id = old.blob_id;
        END;
        CREATE TABLE expunged (
            mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            PRIMARY KEY (mailbox_id, uid)
        );
        CREATE INDEX expunged_by_modseq ON expunged(mailbox_id, modseq);
        """,
        // 3: WebDAV, CalDAV and CardDAV. Calendar objects keep their span (first start, last
        // end, NULL end for open-ended series) and tasks their completion, so that windows and
        // time ranges are index lookups; every change gets a per-collection sequence number for
        // sync-collection, with tombstones for deletions.
        """
        CREATE TABLE dav_collections (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('calendar', 'addressbook', 'files')),
            path TEXT NOT NULL,
            sync_seq INTEGER NOT NULL DEFAULT 0,
            components TEXT,
            created INTEGER NOT NULL,
            UNIQUE (user_id, kind, path)
        );
        CREATE TABLE dav_objects (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES dav_collections(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            etag TEXT NOT NULL,
            content_type TEXT NOT NULL,
            data BLOB NOT NULL,
            uid TEXT,
            component TEXT,
            span_start INTEGER,
            span_end INTEGER,
            completed INTEGER,
            modified INTEGER NOT NULL,
            sync_seq INTEGER NOT NULL,
            UNIQUE (collection_id, name)
        );
        CREATE UNIQUE INDEX dav_objects_by_uid ON dav_objects(collection_id, uid) WHERE uid IS NOT NULL;
        CREATE INDEX dav_objects_by_end ON dav_objects(collection_id, component, span_end);
        CREATE INDEX dav_objects_by_start ON dav_objects(collection_id, component, span_start);
        CREATE INDEX dav_objects_by_completed ON dav_objects(collection_id, component, completed);
        CREATE TABLE dav_changes (
            collection_id INTEGER NOT NULL REFERENCES dav_collections(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            name TEXT NOT NULL,
            deleted INTEGER NOT NULL,
            PRIMARY KEY (collection_id, seq)
        );
        CREATE TABLE dav_properties (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER REFERENCES dav_collections(id) ON DELETE CASCADE,
            object_id INTEGER REFERENCES dav_objects(id) ON DELETE CASCADE,
            namespace TEXT NOT NULL,
            name TEXT NOT NULL,
            value TEXT NOT NULL,
            CHECK ((collection_id IS NULL) != (object_id IS NULL))
        );
        CREATE UNIQUE INDEX dav_properties_by_owner ON dav_properties(
            ifnull(collection_id, 0), ifnull(object_id, 0), namespace, name);
        """,
        // 4: storage quotas. Each user's bytes in use (messages, counted per copy, and DAV
        // objects) are kept by triggers in the same transactions as the changes, so a quota check
        // is one row read. A mailbox or collection that is deleted takes its total with it
        // before its rows cascade (cascaded deletes no longer see their parent).
        """
        ALTER TABLE users ADD COLUMN quota_bytes INTEGER;
        ALTER TABLE users ADD COLUMN used_bytes INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        UPDATE users SET used_bytes =
            coalesce((SELECT sum(m.size) FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id
                      WHERE b.user_id = users.id), 0)
            + coalesce((SELECT sum(length(o.data)) FROM dav_objects o JOIN dav_collections c ON c.id = o.collection_id
                        WHERE c.user_id = users.id), 0);
        CREATE TRIGGER usage_message_added AFTER INSERT ON messages BEGIN
            UPDATE users SET used_bytes = used_bytes + new.size
            WHERE id = (SELECT user_id FROM mailboxes WHERE id = new.mailbox_id);
        END;
        CREATE TRIGGER usage_message_removed AFTER DELETE ON messages BEGIN
            UPDATE users SET used_bytes = used_bytes - old.size
            WHERE id = (SELECT user_id FROM mailboxes WHERE id = old.mailbox_id);
        END;
        CREATE TRIGGER usage_mailbox_removed BEFORE DELETE ON mailboxes BEGIN
            UPDATE users SET used_bytes = used_bytes
                - (SELECT coalesce(sum(size), 0) FROM messages WHERE mailbox_id = old.id)
            WHERE id = old.user_id;
        END;
        CREATE TRIGGER usage_object_added AFTER INSERT ON dav_objects BEGIN
            UPDATE users SET used_bytes = used_bytes + length(new.data)
            WHERE id = (SELECT user_id FROM dav_collections WHERE id = new.collection_id);
        END;
        CREATE TRIGGER usage_object_changed AFTER UPDATE OF data ON dav_objects BEGIN
            UPDATE users SET used_bytes = used_bytes + length(new.data) - length(old.data)
            WHERE id = (SELECT user_id FROM dav_collections WHERE id = new.collection_id);
        END;
        CREATE TRIGGER usage_object_removed AFTER DELETE ON dav_objects BEGIN
            UPDATE users SET used_bytes = used_bytes - length(old.data)
            WHERE id = (SELECT user_id FROM dav_collections WHERE id = old.collection_id);
        END;
        CREATE TRIGGER usage_collection_removed BEFORE DELETE ON dav_collections BEGIN
            UPDATE users SET used_bytes = used_bytes
                - (SELECT coalesce(sum(length(data)), 0) FROM dav_objects WHERE collection_id = old.id)
            WHERE id = old.user_id;
        END;
        """,
        // 5: access revocations. Disabling or removing a user, removing a device or changing a
        // password writes a row in the same transaction; the running server reads the rows after
        // the last it saw and ends the sessions they cover. No foreign keys: the row outlives
        // the user or device it names.
        """
        CREATE TABLE access_revocations (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            device_id TEXT,
            scope TEXT NOT NULL CHECK (scope IN ('user', 'device', 'password'))
        );
        """,
    ]

    static var latestVersion: Int { migrations.count }

    static func migrate(_ connection: SQLiteConnection, path: String) throws {
        for (index, sql) in migrations.enumerated() {
            let target = index + 1
            try connection.execute("BEGIN IMMEDIATE")
            do {
                let current = try connection.queryFirst("PRAGMA user_version")?.int(0) ?? 0
                if current > latestVersion {
                    throw StoreError.unusable(
                        "the store at \(path) has schema version \(current), newer than this tideline "
                            + "knows (\(latestVersion)); run a newer tideline")
                }
                if current < target {
                    try connection.execute(sql)
                    try connection.execute("PRAGMA user_version = \(target)")
                }
                try connection.execute("COMMIT")
            } catch {
                try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}
