import type { AlertSignal } from './alert.js';

type Text = { vi: string; en: string };

/** What happened, by alert type; the source is appended ("… — camera km12"). */
const WHAT: Record<string, Text> = {
  stopped_vehicle: { vi: 'Phương tiện dừng trên làn xe chạy', en: 'Vehicle stopped in a traffic lane' },
  wrong_way: { vi: 'Phương tiện đi ngược chiều', en: 'Wrong-way vehicle' },
  pedestrian_in_carriageway: { vi: 'Người đi bộ trên lòng đường', en: 'Pedestrian on the carriageway' },
  sudden_queue: { vi: 'Ùn ứ đột ngột', en: 'Sudden queue' },
  camera_tamper: { vi: 'Camera bị che hoặc bị xoay lệch', en: 'Camera covered or moved' },
  road_obstacle: {
    vi: 'Người ngã hoặc vật cản trên lòng đường',
    en: 'Fallen road user or obstacle on the carriageway',
  },
  congestion: { vi: 'Ùn tắc giao thông', en: 'Heavy congestion' },
  camera_down: { vi: 'Camera mất tín hiệu', en: 'Camera down' },
  sensor_threshold: { vi: 'Cảm biến vượt ngưỡng', en: 'Sensor threshold exceeded' },
  sensor_rate: { vi: 'Cảm biến thay đổi đột biến', en: 'Sensor value changing too fast' },
  sensor_offline: { vi: 'Cảm biến mất kết nối', en: 'Sensor offline' },
  disk_low: { vi: 'Ổ đĩa sắp đầy', en: 'Disk almost full' },
  spool_full: {
    vi: 'Bộ đệm dữ liệu chuỗi thời gian đầy, dữ liệu cũ bị loại bỏ',
    en: 'Time-series spool full, oldest data dropped',
  },
  outbox_full: { vi: 'Hàng đợi cảnh báo đầy', en: 'Alert outbox full' },
};

const JAMMED: Text = { vi: 'Tắc nghẽn giao thông nghiêm trọng', en: 'Traffic jammed' };

const SOURCE: Record<AlertSignal['source']['kind'], Text> = {
  camera: { vi: 'camera', en: 'camera' },
  sensor: { vi: 'thiết bị', en: 'device' },
  node: { vi: 'trạm biên', en: 'edge box' },
};

/**
 * The alert's title in Vietnamese and English, e.g. "Phương tiện dừng trên làn xe chạy — camera km12".
 * `label` names the source as people know it (camera or node name, else its id).
 */
export function alertTitle(s: AlertSignal, label: string): Text {
  let what = WHAT[s.type] ?? { vi: `Cảnh báo ${s.type}`, en: `Alert ${s.type}` };
  if (s.type === 'congestion' && s.level === 'jammed') what = JAMMED;
  const reading = s.metric ? ` (${readingText(s)})` : '';
  const src = SOURCE[s.source.kind];
  return {
    vi: `${what.vi}${reading} — ${src.vi} ${label}`,
    en: `${what.en}${reading} — ${src.en} ${label}`,
  };
}

function readingText(s: AlertSignal): string {
  if (s.value === undefined) return s.metric!;
  const v = Number.isInteger(s.value) ? String(s.value) : s.value.toFixed(1);
  return `${s.metric} ${v}${s.unit ? ` ${s.unit}` : ''}`;
}
