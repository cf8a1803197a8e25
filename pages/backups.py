"""Backups: create, verify, download, upload, restore and delete archives of the data dir."""

from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from pages.access import allowed as viewer_may
from pages.access import require
from pages.common import get_core, report_error
from qualia_core.errors import SettingsError

require("admin", "Backups")
st.title("Backups")
st.caption("Archives of the study database (a consistent snapshot, taken while the app may write), the original "
           "files, results and settings. Each is verified against its manifest and the database must pass SQLite's "
           "integrity check; a restore takes a safety backup first and cannot leave the data half-replaced.")

try:
    import ops.backup as backup
except ImportError:
    st.info("The ops package is not installed, so there are no backups here.")
    st.stop()

core = get_core()


def allowed(action: str) -> bool:
    """Checked again when an action is offered and done: the session's account must still be an admin (a role
    changed or an account removed in the meantime signs it out)."""
    return viewer_may("admin")


def say(level: str, text: str) -> None:
    st.session_state["backups_message"] = (level, text)


try:
    settings = backup.backup_settings(core.data_dir, core.plugins_dir)
except SettingsError as exc:
    st.error(str(exc))
    st.stop()

if message := st.session_state.pop("backups_message", None):
    getattr(st, message[0])(message[1])

if settings.encrypted:
    st.caption("New archives are encrypted with `QUALIA_BACKUP_KEY` (AES-256-GCM, the key stretched with argon2id); "
               "verifying or restoring one needs the same passphrase.")
else:
    st.info("Archives are not encrypted: set `QUALIA_BACKUP_KEY` (a passphrase of at least 16 characters) to "
            "encrypt new ones.", icon=":material/lock_open:")

# ------------------------------------------------------------------ create
include_env = st.checkbox("Include .env", value=False, key="backups_include_env",
                          help="The .env file holds secrets (QUALIA_ADMIN_PASSWORD, the Sentry DSN…): archive it only "
                               "when the restore must bring the settings back.")
if st.button("Create a backup now", type="primary", key="backups_create"):
    bar = st.progress(0.0, text="Archiving…")
    try:
        info = backup.create(core.data_dir, settings.backup_dir, core.plugins_dir, include_env=include_env,
                             progress=lambda done, total: bar.progress(done / total if total else 1.0,
                                                                       text=f"{done}/{total} files"))
        say("warning" if info.notes else "success",
            f"Created **{info.name}**: {info.file_count} files, {info.size / 2**20:.1f} MB."
            + "".join(f"\n\n{note}" for note in info.notes))
    except (backup.BackupError, SettingsError) as exc:
        say("error", str(exc))
    except Exception as exc:
        report_error(exc)
        say("error", f"The backup failed: {type(exc).__name__}. Details are in the server log.")
    st.rerun()

# ------------------------------------------------------------------ list
archives = backup.list_backups(settings.backup_dir)
if not archives:
    st.info(f"No backups yet in {settings.backup_dir}. Create one now, or set up the daily backup below.")
else:
    st.subheader(f"{len(archives)} archive{'s' if len(archives) != 1 else ''}")
    st.dataframe(pd.DataFrame([{
        "archive": a.name,
        "created": a.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if a.created_at else "unknown",
        "size (MB)": round(a.size / 2**20, 2), "files": a.file_count,
        "plugins": len(a.plugins), "encrypted": "yes" if a.encrypted else "no", ".env": "yes" if a.has_env else "no",
        "verified": {True: "yes", False: "FAILED", None: "not yet"}[a.last_verify_ok],
        "app version": a.app_version} for a in archives]), hide_index=True, key="backups_table")

    by_name = {a.name: a for a in archives}
    name = st.selectbox("Archive", list(by_name), key="backups_selected")
    chosen = by_name[name]
    cols = st.columns(4)
    if cols[0].button("Verify", key="backups_verify"):
        try:
            report = backup.verify(chosen.path)
            say("success" if report.ok else "error", report.describe())
        except backup.BackupError as exc:
            say("error", str(exc))
        st.rerun()
    cols[1].download_button("Download", data=lambda: chosen.path.read_bytes(), file_name=chosen.name,
                            mime="application/octet-stream" if chosen.encrypted else "application/gzip",
                            key="backups_download", on_click="ignore")
    if cols[2].button("Restore…", key="backups_restore"):
        st.session_state["backups_confirm"] = ("restore", name)
        # the safety backup's name is fixed now: the prompt and the restore that follows it name the same archive
        st.session_state["backups_safety_at"] = datetime.now(timezone.utc)
    if cols[3].button("Delete…", key="backups_delete"):
        st.session_state["backups_confirm"] = ("delete", name)

    action, target = st.session_state.get("backups_confirm", (None, None))
    if target == name and action == "restore":
        with st.container(border=True):
            try:
                safety_at = st.session_state.setdefault("backups_safety_at", datetime.now(timezone.utc))
                plan = backup.restore(chosen.path, core.data_dir, settings.backup_dir, plugins_dir=core.plugins_dir,
                                      safety_at=safety_at)
            except (backup.BackupError, SettingsError) as exc:
                st.error(str(exc))
            else:
                docs = plan.documents
                st.warning(
                    f"Restore **{name}** over the current data in `{core.data_dir}`? "
                    f"{len(plan.added)} files will be added, {len(plan.removed)} removed and {len(plan.modified)} "
                    f"replaced ({plan.unchanged} unchanged); library documents: "
                    + (", ".join(f"{len(v)} {k}" for k, v in docs.items() if v) or "no change")
                    + f". A safety backup of the current state is taken first: **{plan.safety_backup}**."
                    + "".join(f"\n\nNote: {note}." for note in plan.notes))
                changed = [{"document": plan.document_names.get(doc, doc), "id": doc, "change": change}
                           for change, ids in docs.items() for doc in ids]
                if changed:
                    with st.expander(f"Library documents that change ({len(changed)})"):
                        st.dataframe(pd.DataFrame(changed), hide_index=True, key="backups_restore_documents")
                ok = allowed("restore")
                yes, no = st.columns(2)
                if yes.button("Yes, restore", type="primary", disabled=not ok, key="backups_restore_yes") and allowed("restore"):
                    try:
                        done = backup.restore(chosen.path, core.data_dir, settings.backup_dir, confirm=True,
                                              plugins_dir=core.plugins_dir, safety_at=safety_at)
                        say("success", "Restored. " + done.describe().replace("\n", " · "))
                    except (backup.BackupError, SettingsError) as exc:
                        say("error", str(exc))
                    st.session_state.pop("backups_confirm", None)
                    st.rerun()
                if no.button("Cancel", key="backups_restore_no"):
                    st.session_state.pop("backups_confirm", None)
                    st.rerun()
    elif target == name and action == "delete":
        with st.container(border=True):
            st.warning(f"Delete **{name}**? This cannot be undone.")
            ok = allowed("delete")
            yes, no = st.columns(2)
            if yes.button("Yes, delete", type="primary", disabled=not ok, key="backups_delete_yes") and allowed("delete"):
                backup.delete(chosen.path, settings.backup_dir)
                st.session_state.pop("backups_confirm", None)
                say("success", f"Deleted {name}.")
                st.rerun()
            if no.button("Cancel", key="backups_delete_no"):
                st.session_state.pop("backups_confirm", None)
                st.rerun()

# ------------------------------------------------------------------ upload
with st.expander("Upload an archive"):
    st.caption("An uploaded archive is checked exactly like a local one (every file against its manifest) before "
               "it is stored; then you can restore it from the list. Uploads are capped by "
               f"`STREAMLIT_SERVER_MAX_UPLOAD_SIZE`, now {st.get_option('server.maxUploadSize')} MB: copy a larger "
               f"archive into `{settings.backup_dir}` instead.")
    if allowed("upload"):
        upload = st.file_uploader("Backup archive (.tar.gz, or .tar.gz.enc encrypted)", type=["gz", "enc"],
                                  key="backups_upload")
        if upload is not None and st.session_state.get("backups_uploaded") != upload.file_id:
            st.session_state["backups_uploaded"] = upload.file_id
            try:
                info = backup.save_upload(upload.getvalue(), settings.backup_dir, filename=upload.name)
                say("success", f"Uploaded and verified **{info.name}**.")
            except backup.ArchiveRejected as exc:
                say("error", f"{upload.name} was refused: " + "; ".join(exc.problems[:5]))
            except backup.BackupError as exc:
                say("error", str(exc))
            st.rerun()

# ------------------------------------------------------------------ settings
st.subheader("Retention and daily backups")
st.markdown(f"Archives go to `{settings.backup_dir}`. Cleanup deletes those older than **{settings.keep_days} days** "
            f"but always keeps the newest **{settings.keep_min}** (`BACKUP_KEEP_DAYS`, `BACKUP_KEEP_MIN`).")
st.caption("For a daily backup at 02:15, add this line with `crontab -e`:")
st.code(settings.crontab_line, language="bash")
