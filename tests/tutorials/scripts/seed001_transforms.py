# Seed 001 (pytorch 的使用), 三、数据准备: transforms (ToTensor, Normalize, Resize, Compose) with
# the images logged to TensorBoard. The code is the tutorial's, unchanged; the image at
# img_path is a small generated JPEG. "[test]" prints at the end show the shapes.
# transforms 用法
from PIL import Image
from torchvision import transforms
from torch.utils.tensorboard import SummaryWriter

writer = SummaryWriter("logs")

img_path = "dataset/train/ants_image/0013035.jpg"
img = Image.open(img_path)  # PIL.image
# ToTensor
trans_tensor = transforms.ToTensor()
img_tensor = trans_tensor(img) # tensor
writer.add_image("ToTensor", img_tensor)
# Normalize
trans_norm = transforms.Normalize([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])
img_norm = trans_norm(img_tensor)
writer.add_image("Normalize", img_norm, 0)
# Resize
trans_resize = transforms.Resize((512, 512))
img_resize = trans_resize(img)
img_resize = trans_tensor(img_resize)
writer.add_image("Resize", img_resize, 0)
# Compose
trans_resize_2 = transforms.Resize(512)
trans_compose = transforms.Compose([trans_resize_2, trans_tensor])
img_resize_2 = trans_compose(img)
writer.add_image("Resize", img_resize_2, 1)

writer.close()

# [test] what the transforms produced
print("img:", type(img).__name__, img.size, img.mode)
print("img_tensor:", img_tensor.shape, img_tensor.dtype, float(img_tensor.min()) >= 0.0, float(img_tensor.max()) <= 1.0)
print("img_norm:", img_norm.shape, round(float(img_norm[0, 0, 0]), 5) == round(float(img_tensor[0, 0, 0]) * 2 - 1, 5))
print("img_resize:", img_resize.shape)
print("img_resize_2:", img_resize_2.shape)
