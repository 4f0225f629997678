// Triton's ModelConfig schema (triton-inference-server/common protobuf/model_config.proto),
// as listed in docs/reference/triton-config.md. Field numbers are kept for reference.
import type { EnumDef, FieldDef, FieldType, MessageDef, ScalarKind } from './types.js';

const s = (scalar: ScalarKind): FieldType => ({ kind: 'scalar', scalar });
const e = (name: string): FieldType => ({ kind: 'enum', enum: name });
const m = (message: string): FieldType => ({ kind: 'message', message });
const mapOf = (key: ScalarKind, value: ScalarKind | { message: string }): FieldType => ({
  kind: 'map',
  key,
  value: typeof value === 'string' ? { kind: 'scalar', scalar: value } : { kind: 'message', message: value.message },
});

function f(name: string, number: number, type: FieldType, extra: { repeated?: boolean; oneof?: string } = {}): FieldDef {
  return { name, number, type, ...extra };
}
const rep = { repeated: true };

export const ENUMS: EnumDef[] = [
  {
    name: 'DataType',
    values: {
      TYPE_INVALID: 0,
      TYPE_BOOL: 1,
      TYPE_UINT8: 2,
      TYPE_UINT16: 3,
      TYPE_UINT32: 4,
      TYPE_UINT64: 5,
      TYPE_INT8: 6,
      TYPE_INT16: 7,
      TYPE_INT32: 8,
      TYPE_INT64: 9,
      TYPE_FP16: 10,
      TYPE_FP32: 11,
      TYPE_FP64: 12,
      TYPE_STRING: 13,
      TYPE_BF16: 14,
    },
  },
  { name: 'ModelInstanceGroup.Kind', values: { KIND_AUTO: 0, KIND_GPU: 1, KIND_CPU: 2, KIND_MODEL: 3 } },
  { name: 'ModelInstanceGroup.SecondaryDevice.SecondaryDeviceKind', values: { KIND_NVDLA: 0 } },
  { name: 'ModelInput.Format', values: { FORMAT_NONE: 0, FORMAT_NHWC: 1, FORMAT_NCHW: 2 } },
  {
    name: 'BatchInput.Kind',
    values: {
      BATCH_ELEMENT_COUNT: 0,
      BATCH_ACCUMULATED_ELEMENT_COUNT: 1,
      BATCH_ACCUMULATED_ELEMENT_COUNT_WITH_ZERO: 2,
      BATCH_MAX_ELEMENT_COUNT_AS_SHAPE: 3,
      BATCH_ITEM_SHAPE: 4,
      BATCH_ITEM_SHAPE_FLATTEN: 5,
    },
  },
  { name: 'BatchOutput.Kind', values: { BATCH_SCATTER_WITH_INPUT_SHAPE: 0 } },
  { name: 'ModelOptimizationPolicy.ModelPriority', values: { PRIORITY_DEFAULT: 0, PRIORITY_MAX: 1, PRIORITY_MIN: 2 } },
  { name: 'ModelQueuePolicy.TimeoutAction', values: { REJECT: 0, DELAY: 1 } },
  {
    name: 'ModelSequenceBatching.Control.Kind',
    values: { CONTROL_SEQUENCE_START: 0, CONTROL_SEQUENCE_READY: 1, CONTROL_SEQUENCE_END: 2, CONTROL_SEQUENCE_CORRID: 3 },
  },
];

export const MESSAGES: MessageDef[] = [
  {
    name: 'ModelConfig',
    fields: [
      f('name', 1, s('string')),
      f('platform', 2, s('string')),
      f('backend', 17, s('string')),
      f('runtime', 25, s('string')),
      f('version_policy', 3, m('ModelVersionPolicy')),
      f('max_batch_size', 4, s('int32')),
      f('input', 5, m('ModelInput'), rep),
      f('output', 6, m('ModelOutput'), rep),
      f('batch_input', 20, m('BatchInput'), rep),
      f('batch_output', 21, m('BatchOutput'), rep),
      f('optimization', 12, m('ModelOptimizationPolicy')),
      f('dynamic_batching', 11, m('ModelDynamicBatching'), { oneof: 'scheduling_choice' }),
      f('sequence_batching', 13, m('ModelSequenceBatching'), { oneof: 'scheduling_choice' }),
      f('ensemble_scheduling', 15, m('ModelEnsembling'), { oneof: 'scheduling_choice' }),
      f('instance_group', 7, m('ModelInstanceGroup'), rep),
      f('default_model_filename', 8, s('string')),
      f('cc_model_filenames', 9, mapOf('string', 'string')),
      f('metric_tags', 10, mapOf('string', 'string')),
      f('parameters', 14, mapOf('string', { message: 'ModelParameter' })),
      f('model_warmup', 16, m('ModelWarmup'), rep),
      f('model_operations', 18, m('ModelOperations')),
      f('model_transaction_policy', 19, m('ModelTransactionPolicy')),
      f('model_repository_agents', 23, m('ModelRepositoryAgents')),
      f('response_cache', 24, m('ModelResponseCache')),
      f('model_metrics', 26, m('ModelMetrics')),
    ],
  },
  { name: 'ModelTensorReshape', fields: [f('shape', 1, s('int64'), rep)] },
  {
    name: 'ModelInput',
    fields: [
      f('name', 1, s('string')),
      f('data_type', 2, e('DataType')),
      f('format', 3, e('ModelInput.Format')),
      f('dims', 4, s('int64'), rep),
      f('reshape', 5, m('ModelTensorReshape')),
      f('is_shape_tensor', 6, s('bool')),
      f('allow_ragged_batch', 7, s('bool')),
      f('optional', 8, s('bool')),
      f('is_non_linear_format_io', 9, s('bool')),
    ],
  },
  {
    name: 'ModelOutput',
    fields: [
      f('name', 1, s('string')),
      f('data_type', 2, e('DataType')),
      f('dims', 3, s('int64'), rep),
      f('label_filename', 4, s('string')),
      f('reshape', 5, m('ModelTensorReshape')),
      f('is_shape_tensor', 6, s('bool')),
      f('is_non_linear_format_io', 7, s('bool')),
    ],
  },
  {
    name: 'ModelRateLimiter.Resource',
    fields: [f('name', 1, s('string')), f('global', 2, s('bool')), f('count', 3, s('uint32'))],
  },
  {
    name: 'ModelRateLimiter',
    fields: [f('resources', 1, m('ModelRateLimiter.Resource'), rep), f('priority', 2, s('uint32'))],
  },
  {
    name: 'ModelInstanceGroup.SecondaryDevice',
    fields: [f('kind', 1, e('ModelInstanceGroup.SecondaryDevice.SecondaryDeviceKind')), f('device_id', 2, s('int64'))],
  },
  {
    name: 'ModelInstanceGroup',
    fields: [
      f('name', 1, s('string')),
      f('count', 2, s('int32')),
      f('gpus', 3, s('int32'), rep),
      f('kind', 4, e('ModelInstanceGroup.Kind')),
      f('profile', 5, s('string'), rep),
      f('rate_limiter', 6, m('ModelRateLimiter')),
      f('passive', 7, s('bool')),
      f('secondary_devices', 8, m('ModelInstanceGroup.SecondaryDevice'), rep),
      f('host_policy', 9, s('string')),
    ],
  },
  {
    name: 'ModelQueuePolicy',
    fields: [
      f('timeout_action', 1, e('ModelQueuePolicy.TimeoutAction')),
      f('default_timeout_microseconds', 2, s('uint64')),
      f('allow_timeout_override', 3, s('bool')),
      f('max_queue_size', 4, s('uint32')),
    ],
  },
  {
    name: 'ModelDynamicBatching',
    fields: [
      f('preferred_batch_size', 1, s('int32'), rep),
      f('max_queue_delay_microseconds', 2, s('uint64')),
      f('preserve_ordering', 3, s('bool')),
      f('priority_levels', 4, s('uint64')),
      f('default_priority_level', 5, s('uint64')),
      f('default_queue_policy', 6, m('ModelQueuePolicy')),
      f('priority_queue_policy', 7, mapOf('uint64', { message: 'ModelQueuePolicy' })),
    ],
  },
  {
    name: 'ModelSequenceBatching.Control',
    fields: [
      f('kind', 1, e('ModelSequenceBatching.Control.Kind')),
      f('int32_false_true', 2, s('int32'), rep),
      f('fp32_false_true', 3, s('float'), rep),
      f('bool_false_true', 5, s('bool'), rep),
      f('data_type', 4, e('DataType')),
    ],
  },
  {
    name: 'ModelSequenceBatching.ControlInput',
    fields: [f('name', 1, s('string')), f('control', 2, m('ModelSequenceBatching.Control'), rep)],
  },
  {
    name: 'ModelSequenceBatching.InitialState',
    fields: [
      f('data_type', 1, e('DataType')),
      f('dims', 2, s('int64'), rep),
      f('zero_data', 3, s('bool'), { oneof: 'state_data' }),
      f('data_file', 4, s('string'), { oneof: 'state_data' }),
      f('name', 5, s('string')),
    ],
  },
  {
    name: 'ModelSequenceBatching.State',
    fields: [
      f('input_name', 1, s('string')),
      f('output_name', 2, s('string')),
      f('data_type', 3, e('DataType')),
      f('dims', 4, s('int64'), rep),
      f('initial_state', 5, m('ModelSequenceBatching.InitialState'), rep),
      f('use_same_buffer_for_input_output', 6, s('bool')),
      f('use_growable_memory', 7, s('bool')),
    ],
  },
  {
    name: 'ModelSequenceBatching.StrategyDirect',
    fields: [f('max_queue_delay_microseconds', 1, s('uint64')), f('minimum_slot_utilization', 2, s('float'))],
  },
  {
    name: 'ModelSequenceBatching.StrategyOldest',
    fields: [
      f('max_candidate_sequences', 1, s('int32')),
      f('preferred_batch_size', 2, s('int32'), rep),
      f('max_queue_delay_microseconds', 3, s('uint64')),
      f('preserve_ordering', 4, s('bool')),
    ],
  },
  {
    name: 'ModelSequenceBatching',
    fields: [
      f('direct', 3, m('ModelSequenceBatching.StrategyDirect'), { oneof: 'strategy_choice' }),
      f('oldest', 4, m('ModelSequenceBatching.StrategyOldest'), { oneof: 'strategy_choice' }),
      f('max_sequence_idle_microseconds', 1, s('uint64')),
      f('control_input', 2, m('ModelSequenceBatching.ControlInput'), rep),
      f('state', 5, m('ModelSequenceBatching.State'), rep),
      f('iterative_sequence', 6, s('bool')),
    ],
  },
  {
    name: 'ModelEnsembling.Step',
    fields: [
      f('model_name', 1, s('string')),
      f('model_version', 2, s('int64')),
      f('input_map', 3, mapOf('string', 'string')),
      f('output_map', 4, mapOf('string', 'string')),
      f('model_namespace', 5, s('string')),
    ],
  },
  {
    name: 'ModelEnsembling',
    fields: [f('step', 1, m('ModelEnsembling.Step'), rep), f('max_inflight_requests', 2, s('uint32'))],
  },
  {
    name: 'ModelWarmup.Input',
    fields: [
      f('data_type', 1, e('DataType')),
      f('dims', 2, s('int64'), rep),
      f('zero_data', 3, s('bool'), { oneof: 'input_data_type' }),
      f('random_data', 4, s('bool'), { oneof: 'input_data_type' }),
      f('input_data_file', 5, s('string'), { oneof: 'input_data_type' }),
    ],
  },
  {
    name: 'ModelWarmup',
    fields: [
      f('name', 1, s('string')),
      f('batch_size', 2, s('uint32')),
      f('inputs', 3, mapOf('string', { message: 'ModelWarmup.Input' })),
      f('count', 4, s('uint32')),
    ],
  },
  { name: 'ModelParameter', fields: [f('string_value', 1, s('string'))] },
  { name: 'ModelTransactionPolicy', fields: [f('decoupled', 1, s('bool'))] },
  { name: 'ModelVersionPolicy.Latest', fields: [f('num_versions', 1, s('uint32'))] },
  { name: 'ModelVersionPolicy.All', fields: [] },
  { name: 'ModelVersionPolicy.Specific', fields: [f('versions', 1, s('int64'), rep)] },
  {
    name: 'ModelVersionPolicy',
    fields: [
      f('latest', 1, m('ModelVersionPolicy.Latest'), { oneof: 'policy_choice' }),
      f('all', 2, m('ModelVersionPolicy.All'), { oneof: 'policy_choice' }),
      f('specific', 3, m('ModelVersionPolicy.Specific'), { oneof: 'policy_choice' }),
    ],
  },
  { name: 'ModelOptimizationPolicy.Graph', fields: [f('level', 1, s('int32'))] },
  { name: 'ModelOptimizationPolicy.Cuda.GraphSpec.Shape', fields: [f('dim', 1, s('int64'), rep)] },
  {
    name: 'ModelOptimizationPolicy.Cuda.GraphSpec.LowerBound',
    fields: [f('batch_size', 1, s('int32')), f('input', 2, mapOf('string', { message: 'ModelOptimizationPolicy.Cuda.GraphSpec.Shape' }))],
  },
  {
    name: 'ModelOptimizationPolicy.Cuda.GraphSpec',
    fields: [
      f('batch_size', 1, s('int32')),
      f('input', 2, mapOf('string', { message: 'ModelOptimizationPolicy.Cuda.GraphSpec.Shape' })),
      f('graph_lower_bound', 3, m('ModelOptimizationPolicy.Cuda.GraphSpec.LowerBound')),
    ],
  },
  {
    name: 'ModelOptimizationPolicy.Cuda',
    fields: [
      f('graphs', 1, s('bool')),
      f('busy_wait_events', 2, s('bool')),
      f('graph_spec', 3, m('ModelOptimizationPolicy.Cuda.GraphSpec'), rep),
      f('output_copy_stream', 4, s('bool')),
    ],
  },
  {
    name: 'ModelOptimizationPolicy.ExecutionAccelerators.Accelerator',
    fields: [f('name', 1, s('string')), f('parameters', 2, mapOf('string', 'string'))],
  },
  {
    name: 'ModelOptimizationPolicy.ExecutionAccelerators',
    fields: [
      f('gpu_execution_accelerator', 1, m('ModelOptimizationPolicy.ExecutionAccelerators.Accelerator'), rep),
      f('cpu_execution_accelerator', 2, m('ModelOptimizationPolicy.ExecutionAccelerators.Accelerator'), rep),
    ],
  },
  { name: 'ModelOptimizationPolicy.PinnedMemoryBuffer', fields: [f('enable', 1, s('bool'))] },
  {
    name: 'ModelOptimizationPolicy',
    fields: [
      f('graph', 1, m('ModelOptimizationPolicy.Graph')),
      f('priority', 2, e('ModelOptimizationPolicy.ModelPriority')),
      f('cuda', 3, m('ModelOptimizationPolicy.Cuda')),
      f('execution_accelerators', 4, m('ModelOptimizationPolicy.ExecutionAccelerators')),
      f('input_pinned_memory', 5, m('ModelOptimizationPolicy.PinnedMemoryBuffer')),
      f('output_pinned_memory', 6, m('ModelOptimizationPolicy.PinnedMemoryBuffer')),
      f('gather_kernel_buffer_threshold', 7, s('uint32')),
      f('eager_batching', 8, s('bool')),
    ],
  },
  { name: 'ModelOperations', fields: [f('op_library_filename', 1, s('string'), rep)] },
  {
    name: 'ModelRepositoryAgents.Agent',
    fields: [f('name', 1, s('string')), f('parameters', 2, mapOf('string', 'string'))],
  },
  { name: 'ModelRepositoryAgents', fields: [f('agents', 1, m('ModelRepositoryAgents.Agent'), rep)] },
  { name: 'ModelResponseCache', fields: [f('enable', 1, s('bool'))] },
  { name: 'ModelMetrics.MetricControl.MetricIdentifier', fields: [f('family', 1, s('string'))] },
  { name: 'ModelMetrics.MetricControl.HistogramOptions', fields: [f('buckets', 1, s('double'), rep)] },
  {
    name: 'ModelMetrics.MetricControl',
    fields: [
      f('metric_identifier', 1, m('ModelMetrics.MetricControl.MetricIdentifier')),
      f('histogram_options', 2, m('ModelMetrics.MetricControl.HistogramOptions'), { oneof: 'metric_options' }),
    ],
  },
  { name: 'ModelMetrics', fields: [f('metric_control', 1, m('ModelMetrics.MetricControl'), rep)] },
  {
    name: 'BatchInput',
    fields: [
      f('kind', 1, e('BatchInput.Kind')),
      f('target_name', 2, s('string'), rep),
      f('data_type', 3, e('DataType')),
      f('source_input', 4, s('string'), rep),
    ],
  },
  {
    name: 'BatchOutput',
    fields: [f('target_name', 1, s('string'), rep), f('kind', 2, e('BatchOutput.Kind')), f('source_input', 3, s('string'), rep)],
  },
];

const messageIndex = new Map(MESSAGES.map((msg) => [msg.name, msg]));
const enumIndex = new Map(ENUMS.map((en) => [en.name, en]));

export function messageDef(name: string): MessageDef {
  const def = messageIndex.get(name);
  if (!def) throw new Error(`schema has no message ${name}`);
  return def;
}

export function enumDef(name: string): EnumDef {
  const def = enumIndex.get(name);
  if (!def) throw new Error(`schema has no enum ${name}`);
  return def;
}

/** The synthetic entry message protobuf generates for a map field. */
export function mapEntryDef(owner: string, field: FieldDef): MessageDef {
  if (field.type.kind !== 'map') throw new Error(`${owner}.${field.name} is not a map`);
  return {
    name: `${owner}.${field.name}<entry>`,
    fields: [f('key', 1, { kind: 'scalar', scalar: field.type.key }), f('value', 2, field.type.value)],
  };
}
