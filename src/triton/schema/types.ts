// How the schema table describes protobuf messages: enough to decode text format the way
// protobuf's C++ parser would (types, repeated, oneof, maps) and to name things in errors.

export type ScalarKind = 'string' | 'bool' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'float' | 'double';

export type FieldType =
  | { kind: 'scalar'; scalar: ScalarKind }
  | { kind: 'enum'; enum: string }
  | { kind: 'message'; message: string }
  /** map<key, value>: written as repeated `{ key: .. value: .. }` entries. */
  | { kind: 'map'; key: ScalarKind; value: { kind: 'scalar'; scalar: ScalarKind } | { kind: 'message'; message: string } };

export interface FieldDef {
  name: string;
  number: number;
  type: FieldType;
  repeated?: boolean;
  /** Name of the oneof this field belongs to. */
  oneof?: string;
}

export interface MessageDef {
  /** Qualified name as Triton's proto spells it, e.g. `ModelWarmup.Input`. */
  name: string;
  fields: FieldDef[];
}

export interface EnumDef {
  name: string;
  values: Record<string, number>;
}
