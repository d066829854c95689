/** The few column definitions that differ between SQLite and PostgreSQL. */
export type StoreDialect = 'sqlite' | 'postgres';

export function autoIncrementId(dialect: StoreDialect): 'integer' | 'serial' {
  return dialect === 'sqlite' ? 'integer' : 'serial';
}
