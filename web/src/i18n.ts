const en = {
  cameras: 'Cameras',
  counts: 'Counts',
  sensors: 'Sensors',
  alerts: 'Alerts',
  token: 'Access token (api.token)',
  signIn: 'Sign in',
  signOut: 'Sign out',
  wrongToken: 'Wrong token',
  tokenNeeded: 'This box needs its access token.',
  loading: 'Loading…',
  error: 'Error',
  notConfigured: 'Not configured on this box',
  notConfiguredSensors: 'No sensors are configured on this box (sensors.devices in the config).',
  notConfiguredAlerts: 'This box does not raise alerts.',
  restarting: 'The gateway is restarting…',
  noCameras: 'No cameras yet. Add the first one.',
  addCamera: 'Add camera',
  live: 'Live',
  linesZones: 'Lines & zones',
  noPicture: 'No picture yet',
  fpsIn: 'fps in',
  fpsDetect: 'detect',
  lines: 'lines',
  zones: 'zones',
  back: '← Back',
  save: 'Save',
  saving: 'Saving and applying…',
  cancel: 'Cancel',
  delete: 'Delete',
  saved: 'Saved: the gateway runs with it.',
  rolledBack: 'Not applied: the new config did not come up, the previous one runs again.',
  refused: 'Refused:',
  drawLine: '+ Line',
  drawZone: '+ Zone',
  clickTwo: 'Click two points on the picture: A, then B.',
  clickCorners: 'Click the corners of the zone, then Finish.',
  finish: 'Finish',
  name: 'Name',
  dirRight: 'Direction crossing to the right of A→B',
  dirLeft: 'Direction crossing to the left',
  kind: 'Kind',
  nothingDrawn: 'Nothing drawn yet.',
  detection: 'detection',
  regionsNote:
    'Dashed pink: where the gateway detects closer than the whole picture, chosen from the saved lines and zones.',
  liveConnecting: 'Connecting to the camera…',
  liveOn: 'Live',
  liveEnded: 'Live view ended.',
  reconnect: 'Reconnect',
  perInterval: 'Vehicles per interval',
  noCounts: 'No interval closed yet.',
  motoHeight: 'Motorcycle height at the line (model pixels)',
  lineTooHigh: 'Motorcycles at this line are too small to be counted well.',
  lineTooHighHint:
    'Draw the line lower in the picture, nearer the camera (36 model pixels or more counts well), or raise detect.regionWidth.',
  suggestedWidth: 'detect.regionWidth that would make them large enough',
  lineTooFar:
    "Too few of the camera's pixels for larger detection regions to help: draw the line lower in the picture, or zoom the camera in.",
  fromCars: "estimated from the cars' widths: too few motorcycles detected to measure",
  lineSizing:
    'Motorcycles at this line are small at the current detection size: the gateway is enlarging its detection regions for it (counts may be low until then).',
  noLines: 'No counting lines: draw one in Lines & zones.',
  total: 'total',
  open: 'Open',
  recent: 'Recent',
  noAlerts: 'No alerts.',
  ack: 'Acknowledge',
  acked: 'Acknowledged',
  evidence: 'Evidence',
  lastReading: 'Last reading',
  noSensors: 'No sensors configured.',
  id: 'Id',
  url: 'Camera URL (rtsp://user:${PASSWORD_VAR}@host/path)',
  transport: 'Transport',
  checking: 'Checking the camera, then applying…',
  added: 'Camera added.',
  removeCamera: 'Remove this camera?',
  health: 'Health',
  ago: 'ago',
  language: 'Tiếng Việt',
} as const;

export type Key = keyof typeof en;

const vi: Record<Key, string> = {
  cameras: 'Camera',
  counts: 'Lưu lượng',
  sensors: 'Cảm biến',
  alerts: 'Cảnh báo',
  token: 'Mã truy cập (api.token)',
  signIn: 'Đăng nhập',
  signOut: 'Đăng xuất',
  wrongToken: 'Sai mã truy cập',
  tokenNeeded: 'Thiết bị này cần mã truy cập.',
  loading: 'Đang tải…',
  error: 'Lỗi',
  notConfigured: 'Chưa cấu hình trên thiết bị này',
  notConfiguredSensors: 'Thiết bị này chưa cấu hình cảm biến nào (sensors.devices trong tệp cấu hình).',
  notConfiguredAlerts: 'Thiết bị này không phát cảnh báo.',
  restarting: 'Gateway đang khởi động lại…',
  noCameras: 'Chưa có camera. Hãy thêm camera đầu tiên.',
  addCamera: 'Thêm camera',
  live: 'Trực tiếp',
  linesZones: 'Vạch đếm & vùng',
  noPicture: 'Chưa có hình',
  fpsIn: 'khung/giây',
  fpsDetect: 'nhận dạng',
  lines: 'vạch',
  zones: 'vùng',
  back: '← Quay lại',
  save: 'Lưu',
  saving: 'Đang lưu và áp dụng…',
  cancel: 'Hủy',
  delete: 'Xóa',
  saved: 'Đã lưu: gateway đang chạy với cấu hình mới.',
  rolledBack: 'Chưa áp dụng: cấu hình mới không chạy được, đã quay lại cấu hình cũ.',
  refused: 'Bị từ chối:',
  drawLine: '+ Vạch',
  drawZone: '+ Vùng',
  clickTwo: 'Bấm hai điểm trên ảnh: A rồi B.',
  clickCorners: 'Bấm các góc của vùng, rồi bấm Hoàn tất.',
  finish: 'Hoàn tất',
  name: 'Tên',
  dirRight: 'Hướng khi đi qua sang bên phải A→B',
  dirLeft: 'Hướng khi đi qua sang bên trái',
  kind: 'Loại',
  nothingDrawn: 'Chưa vẽ gì.',
  detection: 'vùng nhận dạng',
  regionsNote: 'Nét đứt màu hồng: vùng trạm nhận dạng kỹ hơn toàn ảnh, chọn theo các vạch và vùng đã lưu.',
  liveConnecting: 'Đang kết nối camera…',
  liveOn: 'Trực tiếp',
  liveEnded: 'Đã dừng xem trực tiếp.',
  reconnect: 'Kết nối lại',
  perInterval: 'Số xe mỗi khoảng thời gian',
  noCounts: 'Chưa có khoảng đếm nào kết thúc.',
  motoHeight: 'Chiều cao xe máy tại vạch (điểm ảnh mô hình)',
  lineTooHigh: 'Xe máy ở vạch này quá nhỏ để đếm chính xác.',
  lineTooHighHint:
    'Hãy vẽ vạch thấp hơn trong khung hình, gần camera hơn (từ 36 điểm ảnh mô hình trở lên thì đếm tốt), hoặc tăng detect.regionWidth.',
  suggestedWidth: 'detect.regionWidth đủ để xe máy đủ lớn',
  lineTooFar:
    'Xe máy chiếm quá ít điểm ảnh của camera, vùng phát hiện lớn hơn cũng không giúp được: hãy vẽ vạch thấp hơn trong khung hình, hoặc phóng to camera.',
  fromCars: 'ước tính từ bề ngang ô tô: phát hiện được quá ít xe máy để đo',
  lineSizing:
    'Xe máy ở vạch này còn nhỏ ở kích thước phát hiện hiện tại: gateway đang mở rộng vùng phát hiện cho vạch này (số đếm có thể thấp cho đến lúc đó).',
  noLines: 'Chưa có vạch đếm: hãy vẽ trong Vạch đếm & vùng.',
  total: 'tổng',
  open: 'Đang mở',
  recent: 'Gần đây',
  noAlerts: 'Không có cảnh báo.',
  ack: 'Xác nhận',
  acked: 'Đã xác nhận',
  evidence: 'Ảnh bằng chứng',
  lastReading: 'Lần đọc cuối',
  noSensors: 'Chưa cấu hình cảm biến.',
  id: 'Mã',
  url: 'Địa chỉ camera (rtsp://user:${BIEN_MAT_KHAU}@host/path)',
  transport: 'Giao thức',
  checking: 'Đang kiểm tra camera, rồi áp dụng…',
  added: 'Đã thêm camera.',
  removeCamera: 'Xóa camera này?',
  health: 'Tình trạng',
  ago: 'trước',
  language: 'English',
};

const STATES: Record<string, [string, string]> = {
  streaming: ['Streaming', 'Đang truyền'],
  connecting: ['Connecting', 'Đang kết nối'],
  starting: ['Starting', 'Đang khởi động'],
  idle: ['Idle', 'Chờ'],
  stalled: ['Stalled', 'Bị treo'],
  backoff: ['Retrying', 'Chờ kết nối lại'],
  unauthorized: ['Wrong password', 'Sai mật khẩu'],
  not_found: ['Not found', 'Không tìm thấy'],
  bad_media: ['Corrupt file', 'Tệp hỏng'],
  no_video: ['No video', 'Không có hình'],
  bad_config: ['Bad settings', 'Cấu hình sai'],
  disabled: ['Disabled', 'Đã tắt'],
};

const CLASSES: Record<string, [string, string]> = {
  car: ['car', 'ô tô'],
  truck: ['truck', 'xe tải'],
  bus: ['bus', 'xe buýt'],
  motorcycle: ['motorcycle', 'xe máy'],
  bicycle: ['bicycle', 'xe đạp'],
  person: ['person', 'người đi bộ'],
};

const ZONE_KINDS: Record<string, [string, string]> = {
  carriageway: ['carriageway', 'lòng đường'],
  no_stopping: ['no stopping', 'cấm dừng'],
  parking: ['parking', 'đỗ xe'],
  sidewalk: ['sidewalk', 'vỉa hè'],
  generic: ['generic', 'chung'],
};

export type Lang = 'vi' | 'en';
let lang: Lang =
  (localStorage.getItem('ioc-edge.lang') as Lang | null) ??
  (navigator.language.toLowerCase().startsWith('en') ? 'en' : 'vi');

export function currentLang(): Lang {
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem('ioc-edge.lang', l);
  document.documentElement.lang = l;
}
document.documentElement.lang = lang;

export function t(key: Key): string {
  return lang === 'vi' ? vi[key] : en[key];
}

const pick = (table: Record<string, [string, string]>, key: string) =>
  table[key]?.[lang === 'vi' ? 1 : 0] ?? key;

export const stateLabel = (s: string) => pick(STATES, s);
export const classLabel = (c: string) => pick(CLASSES, c);
export const zoneKindLabel = (k: string) => pick(ZONE_KINDS, k);
