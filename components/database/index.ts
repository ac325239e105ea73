/**
 * Aurora Global Database: `GlobalDatabase` (global stack: the global cluster and the master
 * credentials) and `RegionalDatabase` (one member per region: primary or secondary).
 *
 * Creation order: GlobalDatabase → primary RegionalDatabase (joins the global cluster and gets
 * its writer) → secondary RegionalDatabases. Across stacks, the deploy order global → primary
 * region → secondary regions gives it; in one stack pass `dependsOnPrimary: [primary]` to
 * every secondary.
 */
export { GlobalDatabase, MASTER_PASSWORD_SPECIALS, type GlobalDatabaseArgs, type MasterCredentials } from "./global";
export { RegionalDatabase, memberIgnoreChanges, type DatabaseRole, type ReaderAutoscaling, type RegionalDatabaseArgs } from "./regional";
export { DEFAULT_BACKUP_WINDOW, DEFAULT_MAINTENANCE_WINDOW, clusterParameters, validateRegionalDatabaseArgs } from "./validate";
